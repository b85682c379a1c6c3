/**
 * CERTIFIED_LESSON_SHARE_BELOW_NORM (src/rules/catalogue/certified-lesson-share-below-norm.rule.ts): in a calendar
 * year of at least minimumLessons lessons, the share given by counting teachers (certified, or under a valid
 * measure) is below the norm; LOW under DEFERRED_ENFORCEMENT. Plant: an uncertified teacher takes a group over in
 * 2024.
 */
import { Day } from '../calendar';
import { defaultParameters } from '../../../src/rules/catalogue';
import { SchoolBuilder } from '../background';
import { defaultSeverity, measureValid, overlaps, SchoolContext } from '../oracle-support';

const RULE = 'CERTIFIED_LESSON_SHARE_BELOW_NORM' as const;

const { norm: NORM, minimumLessons: MINIMUM_LESSONS } = defaultParameters(RULE);
const EXPERIENCED_QUALIFICATIONS = ['DUTCH', 'MODERN_FOREIGN_LANGUAGE', 'PABO', 'OUTDATED_NT2'];

/** Two teachers, a certified one and the uncertified one who takes over on 2024-01-01: a group's teacherOn. */
export function uncertifiedTakeover(school: SchoolBuilder): (day: Day) => string {
  const replaced = school.teacher();
  const uncertified = school.teacher({ nt2Certified: false, certifiedSince: undefined });
  return (day) => (day < '2024-01-01' ? replaced : uncertified);
}

/** The school's 2024 below the norm; `deferred`: its DEFERRED_ENFORCEMENT covers 2024, so the flag is LOW. */
export function expectShareBelowNormIn2024(school: SchoolBuilder, deferred: boolean, why: string): void {
  school.expect({
    rule: RULE,
    severity: deferred ? 'LOW' : defaultSeverity(RULE),
    subjectType: 'SCHOOL_YEAR',
    subjectKey: school.kvk,
    period: { from: '2024-01-01', to: '2024-12-31' },
    periodMatch: 'exact',
    why,
  });
}

export function evaluateCertifiedLessonShareBelowNorm(ctx: SchoolContext): void {
  const { school, kvk } = ctx;
  const teachers = new Map(school.teachers.map((t) => [t.reference, t]));
  const years = new Map<string, { all: number; counting: number }>();
  for (const lesson of school.lessons) {
    const teacher = teachers.get(lesson.teacherReference);
    if (!teacher) throw new Error(`lesson names unknown teacher ${lesson.teacherReference}`);
    const day = lesson.date;
    const counts =
      (teacher.nt2Certified && (!teacher.certifiedSince || teacher.certifiedSince <= day)) ||
      (measureValid(school, 'TEACHERS_IN_TRAINING', day) &&
        !!teacher.nt2TrainingStartedOn &&
        teacher.nt2TrainingStartedOn <= day) ||
      (measureValid(school, 'EXPERIENCED_TEACHERS', day) &&
        (teacher.nt2ExperienceYears ?? 0) >= 3 &&
        EXPERIENCED_QUALIFICATIONS.includes(teacher.relatedQualification ?? ''));
    const year = years.get(day.slice(0, 4)) ?? { all: 0, counting: 0 };
    year.all += 1;
    if (counts) year.counting += 1;
    years.set(day.slice(0, 4), year);
  }
  for (const [year, { all, counting }] of years) {
    if (all < MINIMUM_LESSONS || counting / all >= NORM) continue;
    const period = { from: `${year}-01-01`, to: `${year}-12-31` };
    const deferred = school.measures.some(
      (m) => m.kind === 'DEFERRED_ENFORCEMENT' && overlaps({ from: m.validFrom, to: m.validTo }, period),
    );
    ctx.raise({
      rule: RULE,
      severity: deferred ? 'LOW' : defaultSeverity(RULE),
      schoolKvk: kvk,
      subjectType: 'SCHOOL_YEAR',
      subjectKey: kvk,
      period,
      periodMatch: 'exact',
      why: `${counting} of ${all} lessons by counting teachers`,
    });
  }
}
