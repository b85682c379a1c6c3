import { defineRule, hoursValue, parameter } from './rule-definition';
import { hoursExceedAttendance, INVOICE } from './shared-sql';

export const invoicedHoursExceedAttendance = defineRule({
  code: 'INVOICED_HOURS_EXCEED_ATTENDANCE',
  subjectType: 'INVOICE',
  description:
    "Invoiced hours exceed the hours the learner attended at the school's counting lessons in the invoice period (plus toleranceHours).",
  defaultSeverity: 'HIGH',
  parameters: {
    toleranceHours: parameter(hoursValue, 0),
  },
  ...hoursExceedAttendance(INVOICE),
});
