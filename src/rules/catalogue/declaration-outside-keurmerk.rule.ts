import { defineRule } from './rule-definition';
import { DECLARATION, outsideKeurmerk } from './shared-sql';

export const declarationOutsideKeurmerk = defineRule({
  code: 'DECLARATION_OUTSIDE_KEURMERK',
  subjectType: 'HOURS_DECLARATION',
  description: 'On some day of the declared period the school held no valid keurmerk.',
  defaultSeverity: 'HIGH',
  parameters: {},
  ...outsideKeurmerk(DECLARATION),
});
