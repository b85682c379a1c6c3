import { centsValue, defineRule, parameter } from './rule-definition';
import { euros, INVOICE, periodRecordCandidates, record } from './shared-sql';

export const invoiceAmountMismatch = defineRule({
  code: 'INVOICE_AMOUNT_MISMATCH',
  subjectType: 'INVOICE',
  description: 'DUO paid another amount for this invoice number (more than toleranceCents apart).',
  defaultSeverity: 'MEDIUM',
  parameters: {
    toleranceCents: parameter(centsValue, 0),
  },
  candidates: periodRecordCandidates(INVOICE),
  // The mismatched invoices first, from the sums alone; the payments' evidence only for those.
  fired: ({ inScope }) => `
      WITH mismatched AS MATERIALIZED (
        SELECT i.id, i.school_id, i.period_start, i.period_end, i.invoice_number, i.amount_cents, s.kvk_number, p.n, p.paid
        FROM invoices i
        JOIN schools s ON s.id = i.school_id
        CROSS JOIN LATERAL (
          SELECT count(*) AS n, sum(p.amount_cents) AS paid
          FROM duo_payments p WHERE p.school_kvk = s.kvk_number AND p.invoice_number = i.invoice_number) p
        WHERE ${inScope('i.id')} AND p.n > 0 AND abs(p.paid - i.amount_cents) > ($1::jsonb->>'toleranceCents')::bigint)
      SELECT i.id, i.school_id, i.period_start, i.period_end, $2::text,
        format('Invoice %s is for %s; DUO paid %s for this invoice number (%s payment(s)).',
          i.invoice_number, ${euros('i.amount_cents')}, ${euros('i.paid')}, i.n),
        jsonb_build_object('records', jsonb_build_array(${record('INVOICE', 'i.id', 'i.school_id')}) || r.records,
          'invoicedCents', i.amount_cents, 'paidCents', i.paid, 'toleranceCents', ($1::jsonb->>'toleranceCents')::bigint)
      FROM mismatched i
      CROSS JOIN LATERAL (
        SELECT jsonb_agg(${record('DUO_PAYMENT', 'p.id', 'i.school_id', "'amountCents', p.amount_cents, 'paidOn', p.paid_on")} ORDER BY p.paid_on, p.id) AS records
        FROM duo_payments p WHERE p.school_kvk = i.kvk_number AND p.invoice_number = i.invoice_number) r`,
});
