-- INVOICE_OUTSIDE_KEURMERK: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from invoice-outside-keurmerk.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT x.id, x.school_id FROM invoices x WHERE x.school_id = ANY($1::uuid[]) OR x.learner_id = ANY($2::uuid[]);

-- fired
SELECT x.id, x.school_id, x.period_start, x.period_end, $2::text,
        format('The invoice period %s..%s includes %s day(s) on which the school held no valid keurmerk: %s.',
          to_char(x.period_start, 'YYYY-MM-DD'), to_char(x.period_end, 'YYYY-MM-DD'), k.days, k.ranges_text),
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'INVOICE', 'id', x.id, 'schoolId', x.school_id)),
          'invalidDays', k.days, 'invalidRanges', k.ranges)
      FROM invoices x
      CROSS JOIN LATERAL (
        SELECT sum(k.to_date - k.from_date + 1) AS days,
               jsonb_agg(jsonb_build_object('status', k.status, 'from', k.from_date, 'to', k.to_date) ORDER BY k.from_date) AS ranges,
               string_agg(format('%s..%s (%s)', to_char(k.from_date, 'YYYY-MM-DD'), to_char(k.to_date, 'YYYY-MM-DD'),
                 CASE k.status WHEN 'NONE' THEN 'no keurmerk yet' ELSE k.status END), ', ' ORDER BY k.from_date) AS ranges_text
        FROM keurmerk_invalid_ranges(x.school_id, x.period_start, x.period_end) k) k
      WHERE x.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'INVOICE_OUTSIDE_KEURMERK') AND TRUE AND k.days IS NOT NULL;
