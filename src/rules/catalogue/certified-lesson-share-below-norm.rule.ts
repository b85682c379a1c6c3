import { defineRule, number, parameter } from './rule-definition';
import { countingTeacher, record } from './shared-sql';

export const certifiedLessonShareBelowNorm = defineRule({
  code: 'CERTIFIED_LESSON_SHARE_BELOW_NORM',
  subjectType: 'SCHOOL_YEAR',
  description:
    'Lessons by counting (certified, or under a valid measure) teachers / all lessons in a calendar year < norm, with at least minimumLessons lessons (LOW under DEFERRED_ENFORCEMENT).',
  defaultSeverity: 'HIGH',
  parameters: {
    norm: parameter(number(0, 1, false), 0.8),
    minimumLessons: parameter(number(1, 1_000_000, true), 20),
  },
  candidates: `SELECT s.id, s.id FROM schools s WHERE s.id = ANY($1::uuid[])`,
  fired: ({ inScope }) => `
      WITH per_teacher AS (
        SELECT l.school_id, date_trunc('year', l.lesson_date)::date AS year, l.teacher_id, count(*) AS lessons,
          count(*) FILTER (WHERE ${countingTeacher('l.school_id', 'l.lesson_date')}) AS counting
        FROM lessons l JOIN teachers t ON t.id = l.teacher_id
        WHERE ${inScope('l.school_id')}
        GROUP BY 1, 2, 3),
      per_year AS (
        SELECT p.school_id, p.year, sum(p.lessons) AS lessons, sum(p.counting) AS counting,
          jsonb_agg(${record('TEACHER', 't.id', 't.school_id', "'reference', t.reference, 'lessons', p.lessons, 'countingLessons', p.counting")}
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
      WHERE y.lessons >= ($1::jsonb->>'minimumLessons')::int AND y.counting < ($1::jsonb->>'norm')::numeric * y.lessons`,
});
