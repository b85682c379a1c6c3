import { defineRule } from './rule-definition';
import { INVOICE, outsideKeurmerk } from './shared-sql';

export const invoiceOutsideKeurmerk = defineRule({
  code: 'INVOICE_OUTSIDE_KEURMERK',
  subjectType: 'INVOICE',
  description: 'On some day of the invoice period the school held no valid keurmerk.',
  defaultSeverity: 'HIGH',
  parameters: {},
  ...outsideKeurmerk(INVOICE),
});
