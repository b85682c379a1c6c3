/**
 * DECLARED_HOURS_EXCEED_ATTENDANCE (src/rules/catalogue/declared-hours-exceed-attendance.rule.ts): a declaration
 * of more hours than the learner attended in its period. Plant: 24 hours more declared than attended (the forged
 * declaration of declaration-without-duo-contract.ts breaks it too).
 */
import { declarationKey, DeclarationSpec } from '../dataset';
import { Group, LESSONS_TO, SchoolBuilder } from '../background';
import { defaultSeverity, SchoolContext } from '../oracle-support';

const RULE = 'DECLARED_HOURS_EXCEED_ATTENDANCE' as const;

export function plantInflatedDeclaration(school: SchoolBuilder, group: Group): void {
  const inflatedLearner = school.take(group, (l) => l.leaveOn >= LESSONS_TO);
  const inflated = school.declare(inflatedLearner);
  inflated.hours += 24;
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, inflated),
    why: '24 hours more declared than attended',
  });
}

export function evaluateDeclaredHoursExceedAttendance(
  ctx: SchoolContext,
  d: DeclarationSpec,
  base: { schoolKvk: string; subjectType: 'HOURS_DECLARATION'; subjectKey: string },
): void {
  const attended = ctx.attendance.hours(d.learnerBsn, d.periodStart, d.periodEnd);
  if (d.hours > attended)
    ctx.raise({
      ...base,
      rule: RULE,
      severity: defaultSeverity(RULE),
      why: `declared ${d.hours} h, attended ${attended} h`,
    });
}
