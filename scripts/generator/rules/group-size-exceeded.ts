/**
 * GROUP_SIZE_EXCEEDED (src/rules/catalogue/group-size-exceeded.rule.ts): a lesson with more attendees than the
 * group's maximum (its own maxSize capped by the route maximum), LOW under GROUP_SIZE_LENIENCY. Plant: one lesson
 * overfilled with learners of other groups.
 */
import { lessonKey } from '../dataset';
import { Group, SchoolBuilder } from '../background';
import { defaultSeverity, measureValid, ROUTE_MAXIMA, SchoolContext } from '../oracle-support';

const RULE = 'GROUP_SIZE_EXCEEDED' as const;

/**
 * Adds learners of other groups (free at that time, under contract) to one lesson until it is overfull;
 * `lenient`: the school's GROUP_SIZE_LENIENCY covers the lesson, so the flag is LOW.
 */
export function overfill(school: SchoolBuilder, group: Group, donors: Group[], lenient: boolean): void {
  const maximum = Math.min(
    group.spec.maxSize ?? ROUTE_MAXIMA[group.spec.route],
    ROUTE_MAXIMA[group.spec.route],
  );
  const candidates = school.lessonsOf(group).filter((l) => l.date >= '2023-09-01');
  const offset = school.world.rng.int(0, candidates.length - 1);
  for (const lesson of [...candidates.slice(offset), ...candidates.slice(0, offset)]) {
    const need = maximum + 1 - lesson.attendeeBsns.length;
    const free = donors
      .flatMap((d) => d.learners)
      .filter((l) => !l.planted && l.joinOn <= lesson.date && lesson.date <= l.leaveOn);
    if (free.length < need) continue;
    lesson.attendeeBsns = [...lesson.attendeeBsns, ...free.slice(0, need).map((l) => l.bsn)];
    school.touchLessons();
    school.expect({
      rule: RULE,
      severity: lenient ? 'LOW' : defaultSeverity(RULE),
      subjectType: 'LESSON',
      subjectKey: lessonKey(school.kvk, lesson),
      why: `${lesson.attendeeBsns.length} attendees, maximum ${maximum}`,
    });
    return;
  }
  throw new Error(`could not overfill ${group.spec.code}`);
}

export function evaluateGroupSizeExceeded(ctx: SchoolContext): void {
  const { school, kvk } = ctx;
  const groups = new Map(school.groups.map((g) => [g.code, g]));
  for (const lesson of school.lessons) {
    const group = groups.get(lesson.groupCode);
    if (!group) throw new Error(`lesson names unknown group ${lesson.groupCode}`);
    const maximum = Math.min(group.maxSize ?? ROUTE_MAXIMA[group.route], ROUTE_MAXIMA[group.route]);
    if (lesson.attendeeBsns.length > maximum)
      ctx.raise({
        rule: RULE,
        severity: measureValid(school, 'GROUP_SIZE_LENIENCY', lesson.date) ? 'LOW' : defaultSeverity(RULE),
        schoolKvk: kvk,
        subjectType: 'LESSON',
        subjectKey: lessonKey(kvk, lesson),
        why: `${lesson.attendeeBsns.length} attendees, maximum ${maximum}`,
      });
  }
}
