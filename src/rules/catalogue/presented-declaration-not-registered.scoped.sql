-- PRESENTED_DECLARATION_NOT_REGISTERED: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from presented-declaration-not-registered.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT x.id, x.school_id FROM hours_declarations x WHERE x.school_id = ANY($1::uuid[]) OR x.learner_id = ANY($2::uuid[]);

-- fired
SELECT d.id, d.school_id, d.period_start, d.period_end, $2::text,
        format('The learner presented to DUO a declaration in the name of %s: %s, %s..%s, %s h, issued on %s. No declaration in the school''s register matches it (same learner, purpose, period, hours and issue date)%s.',
          CASE WHEN s.id IS NULL THEN format('KvK %s, which is no registered school', d.school_kvk)
               ELSE format('%s (KvK %s)', s.name, d.school_kvk) END,
          d.purpose, to_char(d.period_start, 'YYYY-MM-DD'), to_char(d.period_end, 'YYYY-MM-DD'), trim_scale(d.hours::numeric)::text, to_char(d.issued_on, 'YYYY-MM-DD'),
          CASE WHEN r.n > 0 THEN format('; the register holds %s other declaration(s) of this learner', r.n) ELSE '' END),
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'HOURS_DECLARATION', 'id', d.id, 'schoolId', d.school_id)),
          'schoolKvk', d.school_kvk, 'schoolName', s.name, 'registeredSchool', s.id IS NOT NULL,
          'purpose', d.purpose, 'periodStart', d.period_start, 'periodEnd', d.period_end, 'hours', d.hours,
          'issuedOn', d.issued_on, 'registeredMatches', 0, 'registeredDeclarationsOfLearner', r.n)
      FROM hours_declarations d
      LEFT JOIN schools s ON s.id = d.school_id
      CROSS JOIN LATERAL (
        SELECT count(*) AS n FROM hours_declarations h
        WHERE h.learner_id = d.learner_id AND h.school_kvk = d.school_kvk AND h.source = 'SCHOOL') r
      WHERE d.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'PRESENTED_DECLARATION_NOT_REGISTERED') AND d.source = 'PRESENTED'
        AND NOT EXISTS (
          SELECT 1 FROM hours_declarations h
          WHERE h.learner_id = d.learner_id AND h.school_kvk = d.school_kvk AND h.source = 'SCHOOL'
            AND h.purpose = d.purpose AND h.period_start = d.period_start AND h.period_end = d.period_end
            AND h.hours = d.hours AND h.issued_on = d.issued_on);
