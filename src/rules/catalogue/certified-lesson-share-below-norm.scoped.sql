-- CERTIFIED_LESSON_SHARE_BELOW_NORM: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from certified-lesson-share-below-norm.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT s.id, s.id FROM schools s WHERE s.id = ANY($1::uuid[]);

-- fired
WITH per_teacher AS (
        SELECT l.school_id, date_trunc('year', l.lesson_date)::date AS year, l.teacher_id, count(*) AS lessons,
          count(*) FILTER (WHERE (
     (t.nt2_certified AND (t.certified_since IS NULL OR t.certified_since <= l.lesson_date))
  OR (t.nt2_training_started_on <= l.lesson_date AND EXISTS (SELECT 1 FROM measures m WHERE m.school_id = l.school_id AND m.kind = 'TEACHERS_IN_TRAINING'
           AND l.lesson_date BETWEEN m.valid_from AND m.valid_to))
  OR (t.nt2_experience_years >= 3 AND t.related_qualification IS NOT NULL
      AND EXISTS (SELECT 1 FROM measures m WHERE m.school_id = l.school_id AND m.kind = 'EXPERIENCED_TEACHERS'
           AND l.lesson_date BETWEEN m.valid_from AND m.valid_to)))) AS counting
        FROM lessons l JOIN teachers t ON t.id = l.teacher_id
        WHERE l.school_id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'CERTIFIED_LESSON_SHARE_BELOW_NORM')
        GROUP BY 1, 2, 3),
      per_year AS (
        SELECT p.school_id, p.year, sum(p.lessons) AS lessons, sum(p.counting) AS counting,
          jsonb_agg(jsonb_build_object('type', 'TEACHER', 'id', t.id, 'schoolId', t.school_id, 'reference', t.reference, 'lessons', p.lessons, 'countingLessons', p.counting)
            ORDER BY t.reference) FILTER (WHERE p.counting < p.lessons) AS records,
          EXISTS (SELECT 1 FROM measures m WHERE m.school_id = p.school_id AND m.kind = 'DEFERRED_ENFORCEMENT'
                  AND m.valid_from <= (p.year + interval '1 year - 1 day')::date AND m.valid_to >= p.year) AS deferred
        FROM per_teacher p JOIN teachers t ON t.id = p.teacher_id
        GROUP BY p.school_id, p.year)
      SELECT y.school_id, y.school_id, y.year, (y.year + interval '1 year - 1 day')::date,
        CASE WHEN y.deferred THEN 'LOW' ELSE $2::text END,
        format('In %s, %s of %s lessons (%s%%) were taught by counting teachers (certified NT2, or under a valid measure); the norm is %s%% of at least %s lessons%s.',
          extract(year FROM y.year), y.counting, y.lessons, round(100.0 * y.counting / y.lessons, 1),
          trim_scale(100 * ($1::jsonb->>'norm')::numeric), ($1::jsonb->>'minimumLessons')::int,
          CASE WHEN y.deferred THEN '; DEFERRED_ENFORCEMENT (a staffing plan is filed) applies, so the severity is LOW' ELSE '' END),
        jsonb_build_object('records', coalesce(y.records, '[]'), 'lessons', y.lessons, 'countingLessons', y.counting,
          'share', round(y.counting::numeric / y.lessons, 4), 'norm', ($1::jsonb->>'norm')::numeric,
          'minimumLessons', ($1::jsonb->>'minimumLessons')::int, 'deferredEnforcement', y.deferred)
      FROM per_year y
      WHERE y.lessons >= ($1::jsonb->>'minimumLessons')::int AND y.counting < ($1::jsonb->>'norm')::numeric * y.lessons;
