/**
 * DECLARED_HOURS_EXCEED_CONTRACT (src/rules/catalogue/declared-hours-exceed-contract.rule.ts): a declaration of
 * more hours than the learner's contracts overlapping its period buy. Plant: 200 hours declared on a contract of
 * 150 (the forged declaration of declaration-without-duo-contract.ts breaks it too).
 */
import { declarationKey, DeclarationSpec } from '../dataset';
import { Group, LESSONS_TO, Learner, SchoolBuilder } from '../background';
import { defaultSeverity, overlaps, SchoolContext } from '../oracle-support';

const RULE = 'DECLARED_HOURS_EXCEED_CONTRACT' as const;

/** A learner staying to the end on a contract of 150 hours (before the lessons are scheduled). */
export function takeLearnerOnASmallContract(school: SchoolBuilder, group: Group): Learner {
  const overContract = school.take(group, (l) => l.leaveOn >= LESSONS_TO);
  overContract.contractHours = 150;
  return overContract;
}

/** Their declaration, of 200 hours. */
export function plantDeclarationBeyondContract(school: SchoolBuilder, overContract: Learner): void {
  const beyond = school.declare(overContract);
  beyond.hours = 200;
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, beyond),
    why: '200 hours declared on a contract of 150',
  });
}

export function evaluateDeclaredHoursExceedContract(
  ctx: SchoolContext,
  d: DeclarationSpec,
  base: { schoolKvk: string; subjectType: 'HOURS_DECLARATION'; subjectKey: string },
): void {
  const period = { from: d.periodStart, to: d.periodEnd };
  const contracted = ctx
    .contractsOf(d.learnerBsn)
    .filter((c) => overlaps({ from: c.startDate, to: c.endDate }, period))
    .reduce((sum, c) => sum + c.hours, 0);
  if (d.hours > contracted)
    ctx.raise({
      ...base,
      rule: RULE,
      severity: defaultSeverity(RULE),
      why: `declared ${d.hours} h, contracted ${contracted} h`,
    });
}
