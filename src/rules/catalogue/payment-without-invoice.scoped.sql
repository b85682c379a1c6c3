-- PAYMENT_WITHOUT_INVOICE: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from payment-without-invoice.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT p.id, s.id FROM schools s JOIN duo_payments p ON p.school_kvk = s.kvk_number WHERE s.id = ANY($1::uuid[])
      UNION SELECT p.id, NULL FROM duo_payments p
      WHERE '00000000-0000-0000-0000-000000000000' = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM schools s WHERE s.kvk_number = p.school_kvk)
      UNION SELECT p.id, s.id FROM duo_payments p LEFT JOIN schools s ON s.kvk_number = p.school_kvk WHERE p.learner_id = ANY($2::uuid[]);

-- fired
SELECT p.id, s.id, p.paid_on, p.paid_on, $2::text,
        CASE WHEN s.id IS NULL
          THEN format('DUO paid %s on %s for invoice number %s (contract reference %s) to KvK %s, which is no registered school.',
                 'EUR ' || to_char((p.amount_cents) / 100.0, 'FM999,999,990.00'), to_char(p.paid_on, 'YYYY-MM-DD'), p.invoice_number, p.contract_reference, p.school_kvk)
          ELSE format('DUO paid %s on %s for invoice number %s (contract reference %s) to this school; the school registered no invoice with that number.',
                 'EUR ' || to_char((p.amount_cents) / 100.0, 'FM999,999,990.00'), to_char(p.paid_on, 'YYYY-MM-DD'), p.invoice_number, p.contract_reference)
        END,
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'DUO_PAYMENT', 'id', p.id, 'schoolId', s.id, 'invoiceNumber', p.invoice_number)),
          'paidCents', p.amount_cents, 'schoolKvk', p.school_kvk)
      FROM duo_payments p LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      WHERE p.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'PAYMENT_WITHOUT_INVOICE')
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.school_id = s.id AND i.invoice_number = p.invoice_number);
