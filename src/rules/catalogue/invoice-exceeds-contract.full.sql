-- INVOICE_EXCEEDS_CONTRACT: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from invoice-exceeds-contract.rule.ts by `npm run rules:sql`; do not edit.
WITH running AS (
        SELECT i.*,
          sum(i.hours) OVER w AS total_hours, sum(i.amount_cents) OVER w AS total_cents, count(*) OVER w AS invoices
        FROM invoices i
        WHERE TRUE
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
      WHERE TRUE AND (r.total_hours > c.hours OR r.total_cents > c.price_cents);
