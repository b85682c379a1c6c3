-- DECLARED_HOURS_EXCEED_CONTRACT: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from declared-hours-exceed-contract.rule.ts by `npm run rules:sql`; do not edit.
SELECT d.id, d.school_id, d.period_start, d.period_end, $2::text,
        format('Declared %s h for %s..%s; this school''s contracts with the learner overlapping that period contract %s h (%s).',
          trim_scale(d.hours::numeric)::text, to_char(d.period_start, 'YYYY-MM-DD'), to_char(d.period_end, 'YYYY-MM-DD'), trim_scale(c.hours::numeric)::text,
          CASE WHEN c.n = 0 THEN 'no contract' ELSE format('%s contract(s): %s', c.n, c.refs) END),
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'HOURS_DECLARATION', 'id', d.id, 'schoolId', d.school_id)) || c.records,
          'declaredHours', d.hours, 'contractedHours', c.hours, 'toleranceHours', ($1::jsonb->>'toleranceHours')::numeric)
      FROM hours_declarations d
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, coalesce(sum(c.hours), 0) AS hours,
               string_agg(format('%s %s..%s, %s h', c.reference, to_char(c.start_date, 'YYYY-MM-DD'), to_char(c.end_date, 'YYYY-MM-DD'), trim_scale(c.hours::numeric)::text), '; ' ORDER BY c.start_date, c.reference) AS refs,
               coalesce(jsonb_agg(jsonb_build_object('type', 'CONTRACT', 'id', c.id, 'schoolId', c.school_id, 'reference', c.reference, 'hours', c.hours) ORDER BY c.start_date, c.reference), '[]') AS records
        FROM contracts c
        WHERE c.learner_id = d.learner_id AND c.school_id = d.school_id
          AND c.start_date <= d.period_end AND c.end_date >= d.period_start) c
      WHERE TRUE AND d.source = 'SCHOOL' AND d.hours > c.hours + ($1::jsonb->>'toleranceHours')::numeric;
