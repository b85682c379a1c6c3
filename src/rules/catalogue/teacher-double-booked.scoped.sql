-- TEACHER_DOUBLE_BOOKED: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from teacher-double-booked.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
WITH attended AS (
  SELECT l.id, l.school_id FROM lessons l WHERE l.school_id = ANY($1::uuid[])
  UNION SELECT a.lesson_id, a.school_id FROM lesson_attendees a WHERE a.learner_id = ANY($2::uuid[]))
  SELECT id, school_id FROM attended
  UNION SELECT o.id, o.school_id FROM attended a JOIN lessons l ON l.id = a.id
  JOIN lessons o ON o.teacher_id = l.teacher_id AND o.starts_at > l.starts_at - interval '8 hours' AND o.starts_at < l.ends_at
  WHERE cardinality($2::uuid[]) > 0;

-- fired
WITH 
    ordered AS (
      SELECT s.*,
        max(s.ends_at) OVER (PARTITION BY s.teacher_id ORDER BY s.starts_at, s.lesson_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end,
        lead(s.starts_at) OVER (PARTITION BY s.teacher_id ORDER BY s.starts_at, s.lesson_id) AS next_start
      FROM (SELECT r.* FROM (SELECT DISTINCT c.teacher_id FROM lessons c WHERE c.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'TEACHER_DOUBLE_BOOKED')) k(key) CROSS JOIN LATERAL (SELECT t.teacher_id, t.id AS lesson_id, t.school_id, t.starts_at, t.ends_at, t.lesson_date FROM lessons t WHERE t.teacher_id = k.key OFFSET 0) r) s),
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
      WHERE p.lesson_id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'TEACHER_DOUBLE_BOOKED')
      GROUP BY p.lesson_id, p.school_id, p.lesson_date, p.starts_at, p.ends_at, t.id;
