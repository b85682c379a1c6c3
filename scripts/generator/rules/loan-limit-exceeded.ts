/**
 * LOAN_LIMIT_EXCEEDED (src/rules/catalogue/loan-limit-exceeded.rule.ts): DUO paid more for a learner, over all
 * schools, than the learner's loan limit. Plant: a learner with a loan limit of EUR 3,000 paid as usual.
 */
import { learnerKey } from '../dataset';
import { Group, LESSONS_TO, Learner, SchoolBuilder } from '../background';
import { DatasetContext, defaultSeverity } from '../oracle-support';

const RULE = 'LOAN_LIMIT_EXCEEDED' as const;

/** A learner staying to the end with a loan limit of EUR 3,000 (before the lessons are scheduled). */
export function takeLearnerOnASmallLoan(school: SchoolBuilder, group: Group): Learner {
  const overLimit = school.take(group, (l) => l.leaveOn >= LESSONS_TO);
  overLimit.loanLimitCents = 300_000;
  return overLimit;
}

/** Once the money is derived: DUO's payments of their invoices exceed the limit. */
export function expectLoanLimitExceeded(school: SchoolBuilder, overLimit: Learner): void {
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    schoolKvk: null,
    subjectType: 'LEARNER',
    subjectKey: learnerKey(null, overLimit.bsn),
    why: 'payments above a loan limit of EUR 3,000',
  });
}

export function evaluateLoanLimitExceeded(ctx: DatasetContext): void {
  const perLearner = new Map<string, number>();
  for (const p of ctx.data.payments) perLearner.set(p.bsn, (perLearner.get(p.bsn) ?? 0) + p.amountCents);
  const limits = new Map(ctx.data.loanAccounts.map((a) => [a.bsn, a.loanLimitCents]));
  for (const [bsn, cents] of perLearner) {
    const limit = limits.get(bsn);
    if (limit !== undefined && cents > limit)
      ctx.raise({
        rule: RULE,
        severity: defaultSeverity(RULE),
        schoolKvk: null,
        subjectType: 'LEARNER',
        subjectKey: learnerKey(null, bsn),
        why: `DUO paid ${cents} cents on a loan limit of ${limit}`,
      });
  }
}
