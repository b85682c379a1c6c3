import { defineRule } from './rule-definition';
import { day, record } from './shared-sql';

/**
 * The attendance rows of the summary's months (m) not covered whole by the learner's contracts with the school
 * (OFFSET 0: the months filtered first; the planner cannot tell how few they are and would fetch every month's rows).
 */
const uncoveredMonths = `
  SELECT a.* FROM (
    SELECT m.* FROM check_attendance m LEFT JOIN cover c USING (learner_id, school_id)
    WHERE c.days IS NULL OR NOT c.days @> daterange(m.first_day, m.last_day, '[]') OFFSET 0) m
  CROSS JOIN LATERAL (
    SELECT a.* FROM lesson_attendees a
    WHERE a.learner_id = m.learner_id AND a.school_id = m.school_id AND a.lesson_date BETWEEN m.first_day AND m.last_day
      -- the same days as an index range on starts_at (Amsterdam is at most two hours off UTC)
      AND a.starts_at >= (m.first_day - 1)::timestamptz AND a.starts_at < (m.last_day + 2)::timestamptz OFFSET 0) a`;

export const attendanceWithoutContract = defineRule({
  code: 'ATTENDANCE_WITHOUT_CONTRACT',
  subjectType: 'LEARNER',
  description: "The learner attended the school's lessons on days no contract with that school covers.",
  defaultSeverity: 'MEDIUM',
  parameters: {},
  readsAttendanceSummary: true,
  candidates: `
      SELECT a.learner_id, a.school_id FROM lessons l
      CROSS JOIN LATERAL (SELECT a.learner_id, a.school_id FROM lesson_attendees a WHERE a.lesson_id = l.id OFFSET 0) a
      WHERE l.school_id = ANY($1::uuid[])
      UNION SELECT a.learner_id, a.school_id FROM lesson_attendees a WHERE a.learner_id = ANY($2::uuid[])
      UNION SELECT c.learner_id, c.school_id FROM contracts c WHERE c.school_id = ANY($1::uuid[]) OR c.learner_id = ANY($2::uuid[])`,
  // One flag per stretch of uncovered days: the attended days between two contracts (or before the first,
  // after the last), from the first to the last such day.
  // A full run reads only the attendance of the summary's months whose attended days no contract covers whole;
  // the contracts are described only for the learners flagged.
  fired: ({ all, inScope }) => `
      WITH cover AS (
        SELECT c.learner_id, c.school_id, range_agg(daterange(c.start_date, c.end_date, '[]')) AS days
        FROM contracts c WHERE ${inScope('c.learner_id', 'c.school_id')}
        GROUP BY c.learner_id, c.school_id),
      uncovered AS (
        SELECT a.learner_id, a.school_id, a.lesson_date, a.lesson_id,
          (SELECT max(c.end_date) FROM contracts c
            WHERE c.learner_id = a.learner_id AND c.school_id = a.school_id AND c.end_date < a.lesson_date) AS after_contract_end
        FROM (${all ? uncoveredMonths : `SELECT a.* FROM lesson_attendees a WHERE ${inScope('a.learner_id', 'a.school_id')}`}) a
        LEFT JOIN cover USING (learner_id, school_id)
        WHERE cover.days IS NULL OR NOT cover.days @> a.lesson_date),
      described AS (
        SELECT c.learner_id, c.school_id,
               string_agg(format('%s %s..%s', c.reference, ${day('c.start_date')}, ${day('c.end_date')}), ', ' ORDER BY c.start_date, c.reference) AS refs,
               jsonb_agg(${record('CONTRACT', 'c.id', 'c.school_id', "'reference', c.reference")} ORDER BY c.start_date, c.reference) AS records
        FROM contracts c WHERE (c.learner_id, c.school_id) IN (SELECT learner_id, school_id FROM uncovered)
        GROUP BY c.learner_id, c.school_id)
      SELECT u.learner_id, u.school_id, min(u.lesson_date), max(u.lesson_date), $2::text,
        format('The learner attended %s lesson(s) of this school on %s day(s) from %s to %s that no contract with this school covers (%s).',
          count(*), count(DISTINCT u.lesson_date), ${day('min(u.lesson_date)')}, ${day('max(u.lesson_date)')},
          coalesce('contracts: ' || cover.refs, 'the school registered no contract with the learner')),
        jsonb_build_object(
          'records', jsonb_build_array(${record('LEARNER', 'u.learner_id', 'u.school_id')}) || coalesce(cover.records, '[]'),
          'lessons', count(*), 'days', count(DISTINCT u.lesson_date),
          'uncoveredDays', jsonb_agg(DISTINCT u.lesson_date))
      FROM uncovered u LEFT JOIN described cover USING (learner_id, school_id)
      GROUP BY u.learner_id, u.school_id, u.after_contract_end, cover.refs, cover.records`,
});
