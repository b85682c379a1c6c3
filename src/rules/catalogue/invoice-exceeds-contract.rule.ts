import { defineRule } from './rule-definition';
import { euros, hours, INVOICE, periodRecordCandidates, record, restrict } from './shared-sql';

export const invoiceExceedsContract = defineRule({
  code: 'INVOICE_EXCEEDS_CONTRACT',
  subjectType: 'INVOICE',
  description:
    "The invoiced amount or hours on the contract, summed in invoice order up to this invoice, exceed the contract's.",
  defaultSeverity: 'MEDIUM',
  parameters: {},
  candidates: periodRecordCandidates(INVOICE),
  fired: (scope) => `
      WITH running AS (
        SELECT i.*,
          sum(i.hours) OVER w AS total_hours, sum(i.amount_cents) OVER w AS total_cents, count(*) OVER w AS invoices
        FROM invoices i
        WHERE ${restrict(scope, 'i.contract_id', (scoped) => `SELECT x.contract_id FROM invoices x WHERE ${scoped('x.id')}`)}
        WINDOW w AS (PARTITION BY i.contract_id ORDER BY i.invoice_date, i.invoice_number COLLATE "C" ROWS UNBOUNDED PRECEDING))
      SELECT r.id, r.school_id, r.period_start, r.period_end, $2::text,
        format('Invoices on contract %s up to and including this one (%s invoices, in invoice date order) total %s h and %s; the contract covers %s h and %s, so they exceed its %s.',
          c.reference, r.invoices, ${hours('r.total_hours')}, ${euros('r.total_cents')}, ${hours('c.hours')}, ${euros('c.price_cents')},
          concat_ws(' and ', CASE WHEN r.total_hours > c.hours THEN 'hours' END, CASE WHEN r.total_cents > c.price_cents THEN 'amount' END)),
        jsonb_build_object('records', jsonb_build_array(${record('INVOICE', 'r.id', 'r.school_id')},
            ${record('CONTRACT', 'c.id', 'c.school_id', "'reference', c.reference")}),
          'invoicedHoursToDate', r.total_hours, 'invoicedCentsToDate', r.total_cents, 'invoicesToDate', r.invoices,
          'contractHours', c.hours, 'contractPriceCents', c.price_cents)
      FROM running r JOIN contracts c ON c.id = r.contract_id
      WHERE ${scope.inScope('r.id')} AND (r.total_hours > c.hours OR r.total_cents > c.price_cents)`,
});
