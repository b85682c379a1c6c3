import { defineRule, hoursValue, parameter } from './rule-definition';
import { DECLARATION, hoursExceedAttendance } from './shared-sql';

export const declaredHoursExceedAttendance = defineRule({
  code: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
  subjectType: 'HOURS_DECLARATION',
  description:
    "Declared hours exceed the hours the learner attended at the school's counting lessons in the period (plus toleranceHours).",
  defaultSeverity: 'HIGH',
  parameters: {
    toleranceHours: parameter(hoursValue, 0),
  },
  ...hoursExceedAttendance(DECLARATION),
});
