/**
 * TEACHER_DOUBLE_BOOKED (src/rules/catalogue/teacher-double-booked.rule.ts): one teacher in two overlapping lessons
 * of a school. Plant: the morning teacher also "teaches" afternoon learners at 10:00 on a day of a morning lesson.
 */
import { lessonKey } from '../dataset';
import { Group, SchoolBuilder } from '../background';
import { defaultSeverity, overlappingPairs, SchoolContext } from '../oracle-support';

const RULE = 'TEACHER_DOUBLE_BOOKED' as const;

/** After the lessons are scheduled: a lesson of `teacher` in `other` during one of `group` in 2024. */
export function plantTeacherInTwoPlaces(
  school: SchoolBuilder,
  group: Group,
  other: Group,
  teacher: string,
): void {
  const busy = school.world.rng.pick(school.lessonsOf(group).filter((l) => l.date >= '2024-01-01'));
  const extra = other.learners
    .filter((l) => !l.planted && l.joinOn <= busy.date && busy.date <= l.leaveOn)
    .slice(0, 3)
    .map((l) => l.bsn);
  const doubled = school.addLesson({
    group: other,
    day: busy.date,
    slot: { start: '10:00', end: '12:00' },
    teacher,
    attendees: extra,
    single: true,
  });
  for (const lesson of [busy, doubled])
    school.expect({
      rule: RULE,
      severity: defaultSeverity(RULE),
      subjectType: 'LESSON',
      subjectKey: lessonKey(school.kvk, lesson),
      why: 'one teacher in two places',
    });
}

export function evaluateTeacherDoubleBooked(ctx: SchoolContext): void {
  const { school, kvk } = ctx;
  for (const [a, b] of overlappingPairs(school.lessons, (l) => [l.teacherReference])) {
    for (const lesson of [a, b])
      ctx.raise({
        rule: RULE,
        severity: defaultSeverity(RULE),
        schoolKvk: kvk,
        subjectType: 'LESSON',
        subjectKey: lessonKey(kvk, lesson),
        why: `teacher ${lesson.teacherReference} teaches two overlapping lessons`,
      });
  }
}
