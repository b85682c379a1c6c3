/**
 * PAYMENT_WITHOUT_INVOICE (src/rules/catalogue/payment-without-invoice.rule.ts): DUO paid an invoice number the
 * school never registered. Plant: one such payment on a learner's contract.
 */
import { invoiceKey, paymentKey } from '../dataset';
import { Group, RATE_CENTS, SchoolBuilder } from '../background';
import { DatasetContext, defaultSeverity } from '../oracle-support';

const RULE = 'PAYMENT_WITHOUT_INVOICE' as const;

export function plantPaymentWithoutInvoice(school: SchoolBuilder, group: Group): void {
  const unbilled = school.take(group);
  const ghost = `F2024-X${school.world.rng.int(100, 999)}`;
  school.payments.push({
    bsn: unbilled.bsn,
    schoolKvk: school.kvk,
    contractReference: school.contractOf(unbilled).reference,
    invoiceNumber: ghost,
    amountCents: 50 * RATE_CENTS,
    paidOn: '2024-05-15',
  });
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    subjectType: 'DUO_PAYMENT',
    subjectKey: paymentKey(school.kvk, ghost),
    why: 'payment for an unknown invoice number',
  });
}

export function evaluatePaymentWithoutInvoice(ctx: DatasetContext): void {
  const { data } = ctx;
  for (const payment of data.payments)
    if (!ctx.invoiceNumbers.has(invoiceKey(payment.schoolKvk, payment.invoiceNumber)))
      ctx.raise({
        rule: RULE,
        severity: defaultSeverity(RULE),
        schoolKvk: data.schools.some((s) => s.kvkNumber === payment.schoolKvk) ? payment.schoolKvk : null,
        subjectType: 'DUO_PAYMENT',
        subjectKey: paymentKey(payment.schoolKvk, payment.invoiceNumber),
        why: 'DUO paid an invoice number the school never registered',
      });
}
