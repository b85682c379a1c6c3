import { defineRule } from './rule-definition';
import { day, record } from './shared-sql';

export const attendanceWithoutContract = defineRule({
  code: 'ATTENDANCE_WITHOUT_CONTRACT',
  subjectType: 'LEARNER',
  description: "The learner attended the school's lessons on days no contract with that school covers.",
  defaultSeverity: 'MEDIUM',
  parameters: {},
  readsAttendanceExceptions: true,
  candidates: `
      SELECT a.learner_id, a.school_id FROM lessons l
      CROSS JOIN LATERAL (SELECT a.learner_id, a.school_id FROM lesson_attendees a WHERE a.lesson_id = l.id OFFSET 0) a
      WHERE l.school_id = ANY($1::uuid[])
      UNION SELECT a.learner_id, a.school_id FROM lesson_attendees a WHERE a.learner_id = ANY($2::uuid[])
      UNION SELECT c.learner_id, c.school_id FROM contracts c WHERE c.school_id = ANY($1::uuid[]) OR c.learner_id = ANY($2::uuid[])`,
  // One flag per stretch of uncovered days: the attended days between two contracts (or before the first,
  // after the last), from the first to the last such day.
  // A full run reads the uncovered rows of the attendance exceptions; the contracts are described only for the
  // learners flagged.
  fired: ({ all, inScope }) => `
      WITH cover AS (
        SELECT c.learner_id, c.school_id, range_agg(daterange(c.start_date, c.end_date, '[]')) AS days
        FROM contracts c WHERE ${inScope('c.learner_id', 'c.school_id')}
        GROUP BY c.learner_id, c.school_id),
      uncovered AS (
        SELECT a.learner_id, a.school_id, a.lesson_date, a.lesson_id,
          (SELECT max(c.end_date) FROM contracts c
            WHERE c.learner_id = a.learner_id AND c.school_id = a.school_id AND c.end_date < a.lesson_date) AS after_contract_end
        FROM (${all ? `SELECT a.* FROM check_attendance a WHERE a.uncovered` : `SELECT a.* FROM lesson_attendees a WHERE ${inScope('a.learner_id', 'a.school_id')}`}) a
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
