-- LEARNER_DOUBLE_BOOKED: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from learner-double-booked.rule.ts by `npm run rules:sql`; do not edit.
WITH 
    ordered AS (
      SELECT s.*,
        max(s.ends_at) OVER (PARTITION BY s.learner_id ORDER BY s.starts_at, s.lesson_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end,
        lead(s.starts_at) OVER (PARTITION BY s.learner_id ORDER BY s.starts_at, s.lesson_id) AS next_start
      FROM (SELECT r.* FROM (SELECT e.learner_id FROM check_attendance e WHERE e.overlaps_previous GROUP BY e.learner_id) k(key) CROSS JOIN LATERAL (SELECT t.learner_id, t.lesson_id, t.school_id, t.starts_at, t.ends_at FROM lesson_attendees t WHERE t.learner_id = k.key OFFSET 0) r) s),
    overlapping AS (SELECT * FROM ordered WHERE earlier_end > starts_at OR next_start < ends_at),
    pairs AS (
      SELECT o.learner_id, o.lesson_id, o.school_id, x.lesson_id AS other_id, x.school_id AS other_school_id,
             x.starts_at AS other_starts_at, x.ends_at AS other_ends_at
      FROM overlapping o JOIN overlapping x
        ON x.learner_id = o.learner_id AND x.lesson_id <> o.lesson_id
       AND x.starts_at < o.ends_at AND o.starts_at < x.ends_at)
      SELECT l.id, l.school_id, l.lesson_date, l.lesson_date, $2::text,
        format('The lesson of %s: %s learner(s) of it also attend an overlapping lesson: %s.',
          format('%s %s-%s', to_char(l.lesson_date, 'YYYY-MM-DD'), to_char(l.starts_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI'), to_char(l.ends_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI')), count(DISTINCT p.learner_id),
          concat_ws('; ',
            CASE WHEN bool_or(p.other_school_id = l.school_id) THEN 'at this school on ' || string_agg(DISTINCT
              CASE WHEN p.other_school_id = l.school_id THEN format('%s-%s', to_char(p.other_starts_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI'), to_char(p.other_ends_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI')) END, ', ') END,
            CASE WHEN bool_or(p.other_school_id <> l.school_id)
              THEN format('%s lesson(s) at another school', count(DISTINCT p.other_id) FILTER (WHERE p.other_school_id <> l.school_id)) END)),
        jsonb_build_object(
          'records', jsonb_build_array(jsonb_build_object('type', 'LESSON', 'id', l.id, 'schoolId', l.school_id))
            || jsonb_agg(DISTINCT jsonb_build_object('type', 'LEARNER', 'id', p.learner_id, 'schoolId', l.school_id))
            || jsonb_agg(DISTINCT jsonb_build_object('type', 'LESSON', 'id', p.other_id, 'schoolId', p.other_school_id, 'startsAt', p.other_starts_at, 'endsAt', p.other_ends_at)),
          'learnersDoubleBooked', count(DISTINCT p.learner_id), 'overlappingLessons', count(DISTINCT p.other_id))
      FROM pairs p JOIN lessons l ON l.id = p.lesson_id
      WHERE TRUE
      GROUP BY l.id;
