-- PAYMENT_WITHOUT_INVOICE: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from payment-without-invoice.rule.ts by `npm run rules:sql`; do not edit.
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
      WHERE TRUE
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.school_id = s.id AND i.invoice_number = p.invoice_number);
