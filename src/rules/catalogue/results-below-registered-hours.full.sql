-- RESULTS_BELOW_REGISTERED_HOURS: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from results-below-registered-hours.rule.ts by `npm run rules:sql`; do not edit.
WITH p AS (
        SELECT ($1::jsonb->>'minimumHours')::numeric AS minimum_hours, ($1::jsonb->>'windowMonths')::int AS months,
               $1::jsonb->>'expectedLevel' AS expected, ($1::jsonb->>'minimumComponents')::int AS minimum_components)
      SELECT d.id, d.school_id, d.period_start, d.period_end, $2::text,
        format('Declared %s h for %s..%s (the rule looks at declarations of at least %s h). The learner''s latest exam result per component dated %s..%s (within %s months after the period): %s. That is below %s on %s of the 4 components; %s or more flag it.',
          trim_scale(d.hours::numeric)::text, to_char(d.period_start, 'YYYY-MM-DD'), to_char(d.period_end, 'YYYY-MM-DD'), trim_scale(p.minimum_hours::numeric)::text,
          to_char(w.from_day, 'YYYY-MM-DD'), to_char(w.to_day, 'YYYY-MM-DD'), p.months, r.listing, p.expected, r.below, p.minimum_components),
        jsonb_build_object(
          'records', jsonb_build_array(jsonb_build_object('type', 'HOURS_DECLARATION', 'id', d.id, 'schoolId', d.school_id), jsonb_build_object('type', 'LEARNER', 'id', d.learner_id, 'schoolId', d.school_id)) || r.records,
          'declaredHours', d.hours, 'periodStart', d.period_start, 'periodEnd', d.period_end,
          'minimumHours', p.minimum_hours, 'expectedLevel', p.expected, 'windowMonths', p.months,
          'windowFrom', w.from_day, 'windowTo', w.to_day, 'componentsBelow', r.below, 'minimumComponents', p.minimum_components)
      FROM hours_declarations d
      CROSS JOIN p
      CROSS JOIN LATERAL (
        SELECT d.period_end + 1 AS from_day, (d.period_end + make_interval(months => p.months))::date AS to_day) w
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE array_position(ARRAY['BELOW_A1','A1','A2','B1','B2']::text[], e.level) < array_position(ARRAY['BELOW_A1','A1','A2','B1','B2']::text[], p.expected)) AS below,
               string_agg(CASE WHEN e.id IS NULL THEN format('%s no result', c.component)
                               ELSE format('%s %s on %s', c.component, e.level, to_char(e.exam_date, 'YYYY-MM-DD')) END, ', ' ORDER BY c.n) AS listing,
               coalesce(jsonb_agg(jsonb_build_object('type', 'EXAM_RESULT', 'id', e.id, 'schoolId', d.school_id, 'component', e.component, 'level', e.level, 'examDate', e.exam_date)
                                  ORDER BY c.n) FILTER (WHERE e.id IS NOT NULL), '[]') AS records
        FROM unnest(ARRAY['READING','LISTENING','WRITING','SPEAKING']::text[]) WITH ORDINALITY c(component, n)
        LEFT JOIN LATERAL (
          SELECT e.id, e.component, e.level, e.exam_date FROM exam_results e
          WHERE e.learner_id = d.learner_id AND e.component = c.component AND e.exam_date BETWEEN w.from_day AND w.to_day
          ORDER BY e.exam_date DESC LIMIT 1) e ON TRUE) r
      WHERE TRUE AND d.source = 'SCHOOL'
        AND d.hours >= p.minimum_hours AND r.below >= p.minimum_components;
