-- ATTENDANCE_WITHOUT_CONTRACT: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from attendance-without-contract.rule.ts by `npm run rules:sql`; do not edit.
WITH cover AS (
        SELECT c.learner_id, c.school_id, range_agg(daterange(c.start_date, c.end_date, '[]')) AS days
        FROM contracts c WHERE TRUE
        GROUP BY c.learner_id, c.school_id),
      uncovered AS (
        SELECT a.learner_id, a.school_id, a.lesson_date, a.lesson_id,
          (SELECT max(c.end_date) FROM contracts c
            WHERE c.learner_id = a.learner_id AND c.school_id = a.school_id AND c.end_date < a.lesson_date) AS after_contract_end
        FROM (SELECT a.* FROM check_attendance a WHERE a.uncovered) a
        LEFT JOIN cover USING (learner_id, school_id)
        WHERE cover.days IS NULL OR NOT cover.days @> a.lesson_date),
      described AS (
        SELECT c.learner_id, c.school_id,
               string_agg(format('%s %s..%s', c.reference, to_char(c.start_date, 'YYYY-MM-DD'), to_char(c.end_date, 'YYYY-MM-DD')), ', ' ORDER BY c.start_date, c.reference) AS refs,
               jsonb_agg(jsonb_build_object('type', 'CONTRACT', 'id', c.id, 'schoolId', c.school_id, 'reference', c.reference) ORDER BY c.start_date, c.reference) AS records
        FROM contracts c WHERE (c.learner_id, c.school_id) IN (SELECT learner_id, school_id FROM uncovered)
        GROUP BY c.learner_id, c.school_id)
      SELECT u.learner_id, u.school_id, min(u.lesson_date), max(u.lesson_date), $2::text,
        format('The learner attended %s lesson(s) of this school on %s day(s) from %s to %s that no contract with this school covers (%s).',
          count(*), count(DISTINCT u.lesson_date), to_char(min(u.lesson_date), 'YYYY-MM-DD'), to_char(max(u.lesson_date), 'YYYY-MM-DD'),
          coalesce('contracts: ' || cover.refs, 'the school registered no contract with the learner')),
        jsonb_build_object(
          'records', jsonb_build_array(jsonb_build_object('type', 'LEARNER', 'id', u.learner_id, 'schoolId', u.school_id)) || coalesce(cover.records, '[]'),
          'lessons', count(*), 'days', count(DISTINCT u.lesson_date),
          'uncoveredDays', jsonb_agg(DISTINCT u.lesson_date))
      FROM uncovered u LEFT JOIN described cover USING (learner_id, school_id)
      GROUP BY u.learner_id, u.school_id, u.after_contract_end, cover.refs, cover.records;
