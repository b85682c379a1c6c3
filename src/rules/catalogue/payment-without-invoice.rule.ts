import { defineRule } from './rule-definition';
import { day, euros, NO_SCHOOL, record } from './shared-sql';

export const paymentWithoutInvoice = defineRule({
  code: 'PAYMENT_WITHOUT_INVOICE',
  subjectType: 'DUO_PAYMENT',
  description: 'DUO paid an invoice number the school never registered.',
  defaultSeverity: 'HIGH',
  parameters: {},
  candidates: `
      SELECT p.id, s.id FROM schools s JOIN duo_payments p ON p.school_kvk = s.kvk_number WHERE s.id = ANY($1::uuid[])
      UNION SELECT p.id, NULL FROM duo_payments p
      WHERE '${NO_SCHOOL}' = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM schools s WHERE s.kvk_number = p.school_kvk)
      UNION SELECT p.id, s.id FROM duo_payments p LEFT JOIN schools s ON s.kvk_number = p.school_kvk WHERE p.learner_id = ANY($2::uuid[])`,
  fired: ({ inScope }) => `
      SELECT p.id, s.id, p.paid_on, p.paid_on, $2::text,
        CASE WHEN s.id IS NULL
          THEN format('DUO paid %s on %s for invoice number %s (contract reference %s) to KvK %s, which is no registered school.',
                 ${euros('p.amount_cents')}, ${day('p.paid_on')}, p.invoice_number, p.contract_reference, p.school_kvk)
          ELSE format('DUO paid %s on %s for invoice number %s (contract reference %s) to this school; the school registered no invoice with that number.',
                 ${euros('p.amount_cents')}, ${day('p.paid_on')}, p.invoice_number, p.contract_reference)
        END,
        jsonb_build_object('records', jsonb_build_array(${record('DUO_PAYMENT', 'p.id', 's.id', "'invoiceNumber', p.invoice_number")}),
          'paidCents', p.amount_cents, 'schoolKvk', p.school_kvk)
      FROM duo_payments p LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      WHERE ${inScope('p.id')}
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.school_id = s.id AND i.invoice_number = p.invoice_number)`,
});
