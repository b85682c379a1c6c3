/**
 * DOMAIN.md's terms as SQL fragments: the one definition that the checks, the reports and the
 * exemption workflow all use. Arguments are SQL expressions (column references), never user input.
 */
import { EXAM_LEVELS } from '../duo/exam-levels';

/** The school's temporary measure (tijdelijke maatregel) of this kind is valid on the day. */
export const validMeasure = (kind: string, school: string, onDay: string): string =>
  `EXISTS (SELECT 1 FROM measures m WHERE m.school_id = ${school} AND m.kind = '${kind}'
           AND ${onDay} BETWEEN m.valid_from AND m.valid_to)`;

/**
 * Teacher `t` counts towards the 80% norm on a lesson's day: certified since on or before it, or qualifying
 * under the school's valid TEACHERS_IN_TRAINING measure (training started) or EXPERIENCED_TEACHERS measure
 * (at least 3 years of NT2 experience and a related qualification).
 */
export const countingTeacher = (school: string, onDay: string): string => `(
     (t.nt2_certified AND (t.certified_since IS NULL OR t.certified_since <= ${onDay}))
  OR (t.nt2_training_started_on <= ${onDay} AND ${validMeasure('TEACHERS_IN_TRAINING', school, onDay)})
  OR (t.nt2_experience_years >= 3 AND t.related_qualification IS NOT NULL
      AND ${validMeasure('EXPERIENCED_TEACHERS', school, onDay)}))`;

/**
 * The contract of hours declaration `d` (a row alias) is "known at DUO" (DOMAIN.md "Contracts known at DUO"):
 * a DUO contract record names the same learner and school (KvK) and overlaps the declared period (both ends
 * included), or a DUO payment names the same learner and school.
 */
export const knownAtDuo = (d: string): string =>
  `(EXISTS (SELECT 1 FROM duo_contracts dc WHERE dc.learner_id = ${d}.learner_id AND dc.school_kvk = ${d}.school_kvk
              AND dc.start_date <= ${d}.period_end AND dc.end_date >= ${d}.period_start)
    OR EXISTS (SELECT 1 FROM duo_payments p WHERE p.learner_id = ${d}.learner_id AND p.school_kvk = ${d}.school_kvk))`;

/** An exam level's place in EXAM_LEVELS (BELOW_A1 = 1 .. B2 = 5): "below a level" is a smaller place. */
export const examLevelRank = (level: string): string =>
  `array_position(ARRAY[${EXAM_LEVELS.map((l) => `'${l}'`).join(',')}]::text[], ${level})`;
/**
 * Legal certainty (DOMAIN.md step 6, "Rule catalogue"): a flag subject the checks leave alone, an hours
 * declaration DUO accepted or rejected. No rule raises, changes or withdraws a flag on it.
 */
export const settledSubject = (subjectType: string, subjectId: string): string =>
  `(${subjectType} = 'HOURS_DECLARATION'
    AND EXISTS (SELECT 1 FROM hours_declarations sd WHERE sd.id = ${subjectId} AND sd.status IN ('ACCEPTED','REJECTED')))`;
