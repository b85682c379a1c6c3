-- TEACHER_DOUBLE_BOOKED: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from teacher-double-booked.rule.ts by `npm run rules:sql`; do not edit.
WITH 
    ordered AS (
      SELECT s.*,
        max(s.ends_at) OVER (PARTITION BY s.teacher_id ORDER BY s.starts_at, s.lesson_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end,
        lead(s.starts_at) OVER (PARTITION BY s.teacher_id ORDER BY s.starts_at, s.lesson_id) AS next_start
      FROM (SELECT t.teacher_id, t.id AS lesson_id, t.school_id, t.starts_at, t.ends_at, t.lesson_date FROM lessons t) s),
    overlapping AS (SELECT * FROM ordered WHERE earlier_end > starts_at OR next_start < ends_at),
    pairs AS (
      SELECT o.teacher_id, o.lesson_id, o.school_id, o.lesson_date, o.starts_at, o.ends_at, x.lesson_id AS other_id, x.school_id AS other_school_id,
             x.starts_at AS other_starts_at, x.ends_at AS other_ends_at
      FROM overlapping o JOIN overlapping x
        ON x.teacher_id = o.teacher_id AND x.lesson_id <> o.lesson_id
       AND x.starts_at < o.ends_at AND o.starts_at < x.ends_at)
      SELECT p.lesson_id, p.school_id, p.lesson_date, p.lesson_date, $2::text,
        format('Teacher %s teaches the lesson of %s and %s overlapping lesson(s) at the same time: %s.',
          t.reference, format('%s %s-%s', to_char(p.lesson_date, 'YYYY-MM-DD'), to_char(p.starts_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI'), to_char(p.ends_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI')), count(DISTINCT p.other_id),
          string_agg(format('%s-%s', to_char(p.other_starts_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI'), to_char(p.other_ends_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI')), ', ' ORDER BY p.other_starts_at, p.other_id)),
        jsonb_build_object(
          'records', jsonb_build_array(jsonb_build_object('type', 'LESSON', 'id', p.lesson_id, 'schoolId', p.school_id), jsonb_build_object('type', 'TEACHER', 'id', t.id, 'schoolId', t.school_id, 'reference', t.reference))
            || jsonb_agg(jsonb_build_object('type', 'LESSON', 'id', p.other_id, 'schoolId', p.other_school_id, 'startsAt', p.other_starts_at, 'endsAt', p.other_ends_at) ORDER BY p.other_starts_at, p.other_id),
          'overlappingLessons', count(DISTINCT p.other_id))
      -- the lesson's own columns come with the pair, rather than from a join back to every lesson
      FROM pairs p JOIN teachers t ON t.id = p.teacher_id
      WHERE TRUE
      GROUP BY p.lesson_id, p.school_id, p.lesson_date, p.starts_at, p.ends_at, t.id;
