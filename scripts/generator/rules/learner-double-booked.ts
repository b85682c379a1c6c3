/**
 * LEARNER_DOUBLE_BOOKED (src/rules/catalogue/learner-double-booked.rule.ts): one learner in two overlapping
 * lessons, at any schools. Plant: a learner of one school also listed, at the same hour, in another school's
 * lesson: a phantom (without a contract there, so also ATTENDANCE_WITHOUT_CONTRACT).
 */
import { LessonSpec, learnerKey, lessonKey } from '../dataset';
import { Group, SchoolBuilder } from '../background';
import { DatasetContext, defaultSeverity, overlappingPairs, ROUTE_MAXIMA } from '../oracle-support';

const RULE = 'LEARNER_DOUBLE_BOOKED' as const;

export function plantPhantom(victim: SchoolBuilder, perpetrator: SchoolBuilder): void {
  const byStart = new Map(
    perpetrator.spec.lessons.filter((l) => l.mode === 'IN_PERSON').map((l) => [l.startsAt, l]),
  );
  const victimLessons = victim.spec.lessons.filter(
    (l) => l.mode === 'IN_PERSON' && l.date >= '2024-01-01' && byStart.has(l.startsAt),
  );
  for (const lesson of victimLessons) {
    const target = byStart.get(lesson.startsAt) as LessonSpec;
    const group = perpetrator.groups.find((g) => g.spec.code === target.groupCode) as Group;
    const maximum = Math.min(
      group.spec.maxSize ?? ROUTE_MAXIMA[group.spec.route],
      ROUTE_MAXIMA[group.spec.route],
    );
    if (target.attendeeBsns.length >= maximum || target.single) continue;
    const learner = victim.learners.find((l) => !l.planted && lesson.attendeeBsns.includes(l.bsn));
    if (!learner) continue;
    learner.planted = true;
    target.attendeeBsns = [...target.attendeeBsns, learner.bsn];
    perpetrator.touchLessons();
    for (const [school, l] of [
      [victim, lesson],
      [perpetrator, target],
    ] as const)
      school.expect({
        rule: RULE,
        severity: defaultSeverity(RULE),
        subjectType: 'LESSON',
        subjectKey: lessonKey(school.kvk, l),
        why: 'a learner listed at two schools at the same hour',
      });
    perpetrator.expect({
      rule: 'ATTENDANCE_WITHOUT_CONTRACT',
      severity: defaultSeverity('ATTENDANCE_WITHOUT_CONTRACT'),
      subjectType: 'LEARNER',
      subjectKey: learnerKey(perpetrator.kvk, learner.bsn),
      period: { from: target.date, to: target.date },
      periodMatch: 'contains',
      why: 'phantom learner without a contract',
    });
    return;
  }
  throw new Error('no lesson found for the phantom learner');
}

export function evaluateLearnerDoubleBooked(ctx: DatasetContext): void {
  const attended = ctx.data.schools.flatMap((school) =>
    school.lessons.map((lesson) => ({ ...lesson, kvk: school.kvkNumber })),
  );
  const doubleBooked = new Set<string>();
  for (const [a, b] of overlappingPairs(attended, (l) => l.attendeeBsns))
    for (const lesson of [a, b]) {
      const key = lessonKey(lesson.kvk, lesson);
      if (doubleBooked.has(key)) continue;
      doubleBooked.add(key);
      ctx.raise({
        rule: RULE,
        severity: defaultSeverity(RULE),
        schoolKvk: lesson.kvk,
        subjectType: 'LESSON',
        subjectKey: key,
        why: 'a learner attends two overlapping lessons',
      });
    }
}
