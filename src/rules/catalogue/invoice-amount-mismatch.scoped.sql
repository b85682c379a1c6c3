-- INVOICE_AMOUNT_MISMATCH: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from invoice-amount-mismatch.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT x.id, x.school_id FROM invoices x WHERE x.school_id = ANY($1::uuid[]) OR x.learner_id = ANY($2::uuid[]);

-- fired
WITH mismatched AS MATERIALIZED (
        SELECT i.id, i.school_id, i.period_start, i.period_end, i.invoice_number, i.amount_cents, s.kvk_number, p.n, p.paid
        FROM invoices i
        JOIN schools s ON s.id = i.school_id
        CROSS JOIN LATERAL (
          SELECT count(*) AS n, sum(p.amount_cents) AS paid
          FROM duo_payments p WHERE p.school_kvk = s.kvk_number AND p.invoice_number = i.invoice_number) p
        WHERE i.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'INVOICE_AMOUNT_MISMATCH') AND p.n > 0 AND abs(p.paid - i.amount_cents) > ($1::jsonb->>'toleranceCents')::bigint)
      SELECT i.id, i.school_id, i.period_start, i.period_end, $2::text,
        format('Invoice %s is for %s; DUO paid %s for this invoice number (%s payment(s)).',
          i.invoice_number, 'EUR ' || to_char((i.amount_cents) / 100.0, 'FM999,999,990.00'), 'EUR ' || to_char((i.paid) / 100.0, 'FM999,999,990.00'), i.n),
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'INVOICE', 'id', i.id, 'schoolId', i.school_id)) || r.records,
          'invoicedCents', i.amount_cents, 'paidCents', i.paid, 'toleranceCents', ($1::jsonb->>'toleranceCents')::bigint)
      FROM mismatched i
      CROSS JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('type', 'DUO_PAYMENT', 'id', p.id, 'schoolId', i.school_id, 'amountCents', p.amount_cents, 'paidOn', p.paid_on) ORDER BY p.paid_on, p.id) AS records
        FROM duo_payments p WHERE p.school_kvk = i.kvk_number AND p.invoice_number = i.invoice_number) r;
