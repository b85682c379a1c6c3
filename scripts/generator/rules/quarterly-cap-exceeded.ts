/**
 * QUARTERLY_CAP_EXCEEDED (src/rules/catalogue/quarterly-cap-exceeded.rule.ts): DUO paid more than capCents for one
 * learner in one calendar quarter. Plant: three quarters' invoices paid in one quarter.
 */
import { quarterOf } from '../calendar';
import { learnerKey } from '../dataset';
import { defaultParameters } from '../../../src/rules/catalogue';
import { Group, LESSONS_TO, SchoolBuilder } from '../background';
import { DatasetContext, defaultSeverity } from '../oracle-support';

const RULE = 'QUARTERLY_CAP_EXCEEDED' as const;

export const QUARTERLY_CAP_CENTS = defaultParameters(RULE).capCents;

/** Over the EUR 2,000 cap. */
export function plantPaymentsInOneQuarter(school: SchoolBuilder, group: Group): void {
  const capped = school.take(group, (l) => l.leaveOn >= LESSONS_TO && l.attendance > 0.85);
  const late = school.payments.filter(
    (p) => p.bsn === capped.bsn && p.paidOn >= '2024-01-01' && p.paidOn <= '2024-09-30',
  );
  late.forEach((p, i) => (p.paidOn = `2024-07-${String(20 + i).padStart(2, '0')}`));
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    schoolKvk: null,
    subjectType: 'LEARNER',
    subjectKey: learnerKey(null, capped.bsn),
    period: { from: '2024-07-01', to: '2024-09-30' },
    periodMatch: 'exact',
    why: 'three invoices paid in one quarter',
  });
}

export function evaluateQuarterlyCapExceeded(ctx: DatasetContext): void {
  const perQuarter = new Map<string, number>();
  for (const p of ctx.data.payments) {
    const q = quarterOf(p.paidOn);
    const key = `${p.bsn} ${q.from} ${q.to}`;
    perQuarter.set(key, (perQuarter.get(key) ?? 0) + p.amountCents);
  }
  for (const [key, cents] of perQuarter) {
    if (cents <= QUARTERLY_CAP_CENTS) continue;
    const [bsn, from, to] = key.split(' ');
    ctx.raise({
      rule: RULE,
      severity: defaultSeverity(RULE),
      schoolKvk: null,
      subjectType: 'LEARNER',
      subjectKey: learnerKey(null, bsn),
      period: { from, to },
      periodMatch: 'exact',
      why: `DUO paid ${cents} cents in ${from}..${to}`,
    });
  }
}
