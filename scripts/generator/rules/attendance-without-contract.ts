/**
 * ATTENDANCE_WITHOUT_CONTRACT (src/rules/catalogue/attendance-without-contract.rule.ts): a learner attends a
 * school's lessons on days no contract with that school covers. Plant: the contract ends one lesson day early (the
 * phantom of learner-double-booked.ts breaks it too).
 */
import { Day } from '../calendar';
import { learnerKey } from '../dataset';
import { Group, Learner, SchoolBuilder } from '../background';
import { defaultSeverity, SchoolContext } from '../oracle-support';

const RULE = 'ATTENDANCE_WITHOUT_CONTRACT' as const;

/** After the lessons are scheduled, before the money is derived: the learner's contract ends a lesson day early. */
export function plantAttendanceAfterContract(school: SchoolBuilder, group: Group, learner: Learner): void {
  const days = school
    .lessonsOf(group)
    .filter((l) => l.attendeeBsns.includes(learner.bsn))
    .map((l) => l.date);
  learner.contractEnd = days[days.length - 2];
  const uncovered = days[days.length - 1];
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    subjectType: 'LEARNER',
    subjectKey: learnerKey(school.kvk, learner.bsn),
    period: { from: uncovered, to: uncovered },
    periodMatch: 'contains',
    why: 'attended after the contract ended',
  });
}

export function evaluateAttendanceWithoutContract(ctx: SchoolContext): void {
  const { school, kvk } = ctx;
  const uncovered = new Map<string, Day[]>();
  for (const lesson of school.lessons)
    for (const bsn of lesson.attendeeBsns) {
      const covered = ctx
        .contractsOf(bsn)
        .some((c) => c.startDate <= lesson.date && lesson.date <= c.endDate);
      if (!covered) uncovered.set(bsn, [...(uncovered.get(bsn) ?? []), lesson.date]);
    }
  for (const [bsn, days] of uncovered) {
    const sorted = [...new Set(days)].sort();
    ctx.raise({
      rule: RULE,
      severity: defaultSeverity(RULE),
      schoolKvk: kvk,
      subjectType: 'LEARNER',
      subjectKey: learnerKey(kvk, bsn),
      period: { from: sorted[0], to: sorted[sorted.length - 1] },
      periodMatch: 'contains',
      why: `attended on ${sorted.join(', ')} without a contract`,
    });
  }
}
