/**
 * DECLARATION_OUTSIDE_KEURMERK (src/rules/catalogue/declaration-outside-keurmerk.rule.ts): a declaration whose
 * period meets a day without a valid keurmerk. Plant: a withdrawn school declares days after the withdrawal.
 */
import { declarationKey, DeclarationSpec } from '../dataset';
import { Group, SchoolBuilder } from '../background';
import { defaultSeverity, SchoolContext } from '../oracle-support';

const RULE = 'DECLARATION_OUTSIDE_KEURMERK' as const;

export function plantDeclarationAfterWithdrawal(school: SchoolBuilder, group: Group): void {
  const late = school.take(group);
  const declaration = school.declare(late, { periodEnd: '2024-09-30' });
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, declaration),
    why: 'declares days after the withdrawal',
  });
}

export function evaluateDeclarationOutsideKeurmerk(
  ctx: SchoolContext,
  d: DeclarationSpec,
  base: { schoolKvk: string; subjectType: 'HOURS_DECLARATION'; subjectKey: string },
): void {
  if (ctx.invalidIn({ from: d.periodStart, to: d.periodEnd }))
    ctx.raise({
      ...base,
      rule: RULE,
      severity: defaultSeverity(RULE),
      why: 'the school held no valid keurmerk on some day of the period',
    });
}
