/**
 * INVOICE_AMOUNT_MISMATCH (src/rules/catalogue/invoice-amount-mismatch.rule.ts): DUO paid an invoice another
 * amount than it was. Plant: DUO paid 10 hours more than invoiced.
 */
import { invoiceKey, InvoiceSpec } from '../dataset';
import { Group, RATE_CENTS, SchoolBuilder } from '../background';
import { defaultSeverity, SchoolContext } from '../oracle-support';

const RULE = 'INVOICE_AMOUNT_MISMATCH' as const;

export function plantOverpaidInvoice(school: SchoolBuilder, group: Group): void {
  const mismatch = school.take(group);
  const mismatched = school.spec.invoices.find(
    (i) => i.learnerBsn === mismatch.bsn && i.periodStart.startsWith('2023-07'),
  );
  const mismatchPayment = school.payments.find((p) => p.invoiceNumber === mismatched?.invoiceNumber);
  if (mismatched && mismatchPayment) {
    mismatchPayment.amountCents += 10 * RATE_CENTS;
    school.expect({
      rule: RULE,
      severity: defaultSeverity(RULE),
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, mismatched.invoiceNumber),
      why: 'DUO paid 10 hours more',
    });
  }
}

export function evaluateInvoiceAmountMismatch(
  ctx: SchoolContext,
  invoice: InvoiceSpec,
  base: { schoolKvk: string; subjectType: 'INVOICE'; subjectKey: string },
): void {
  const paid = ctx.paymentsByInvoice.get(invoiceKey(ctx.kvk, invoice.invoiceNumber)) ?? [];
  if (paid.some((p) => p.amountCents !== invoice.amountCents))
    ctx.raise({
      ...base,
      rule: RULE,
      severity: defaultSeverity(RULE),
      why: `invoiced ${invoice.amountCents} cents, DUO paid another amount`,
    });
}
