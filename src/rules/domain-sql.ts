/**
 * DOMAIN.md's terms as SQL fragments: the one definition that the checks, the reports and the
 * exemption workflow all use. Arguments are SQL expressions (column references), never user input.
 */

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

/** A contract is "known at DUO" when a DUO payment row names the same learner and the school's KvK number. */
export const knownAtDuo = (learnerId: string, schoolKvk: string): string =>
  `EXISTS (SELECT 1 FROM duo_payments p WHERE p.learner_id = ${learnerId} AND p.school_kvk = ${schoolKvk})`;
