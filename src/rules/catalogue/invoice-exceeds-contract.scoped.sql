-- INVOICE_EXCEEDS_CONTRACT: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from invoice-exceeds-contract.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT x.id, x.school_id FROM invoices x WHERE x.school_id = ANY($1::uuid[]) OR x.learner_id = ANY($2::uuid[]);

-- fired
WITH running AS (
        SELECT i.*,
          sum(i.hours) OVER w AS total_hours, sum(i.amount_cents) OVER w AS total_cents, count(*) OVER w AS invoices
        FROM invoices i
        WHERE i.contract_id IN (SELECT x.contract_id FROM invoices x WHERE x.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'INVOICE_EXCEEDS_CONTRACT'))
        WINDOW w AS (PARTITION BY i.contract_id ORDER BY i.invoice_date, i.invoice_number COLLATE "C" ROWS UNBOUNDED PRECEDING))
      SELECT r.id, r.school_id, r.period_start, r.period_end, $2::text,
        format('Invoices on contract %s up to and including this one (%s invoices, in invoice date order) total %s h and %s; the contract covers %s h and %s, so they exceed its %s.',
          c.reference, r.invoices, trim_scale(r.total_hours::numeric)::text, 'EUR ' || to_char((r.total_cents) / 100.0, 'FM999,999,990.00'), trim_scale(c.hours::numeric)::text, 'EUR ' || to_char((c.price_cents) / 100.0, 'FM999,999,990.00'),
          concat_ws(' and ', CASE WHEN r.total_hours > c.hours THEN 'hours' END, CASE WHEN r.total_cents > c.price_cents THEN 'amount' END)),
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'INVOICE', 'id', r.id, 'schoolId', r.school_id),
            jsonb_build_object('type', 'CONTRACT', 'id', c.id, 'schoolId', c.school_id, 'reference', c.reference)),
          'invoicedHoursToDate', r.total_hours, 'invoicedCentsToDate', r.total_cents, 'invoicesToDate', r.invoices,
          'contractHours', c.hours, 'contractPriceCents', c.price_cents)
      FROM running r JOIN contracts c ON c.id = r.contract_id
      WHERE r.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'INVOICE_EXCEEDS_CONTRACT') AND (r.total_hours > c.hours OR r.total_cents > c.price_cents);
