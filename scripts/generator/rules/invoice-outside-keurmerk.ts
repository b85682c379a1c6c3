/**
 * INVOICE_OUTSIDE_KEURMERK (src/rules/catalogue/invoice-outside-keurmerk.rule.ts): an invoice whose period meets a
 * day without a valid keurmerk. Plants: a suspended school's invoices during the suspension, and a withdrawn
 * school's invoice for lessons after the withdrawal, never given (also INVOICED_HOURS_EXCEED_ATTENDANCE).
 */
import { invoiceKey, InvoiceSpec } from '../dataset';
import { Group, Learner, SchoolBuilder, WINDOW } from '../background';
import { defaultSeverity, keurmerkInvalidIn, SchoolContext } from '../oracle-support';

const RULE = 'INVOICE_OUTSIDE_KEURMERK' as const;

/** Once the money is derived: every invoice whose period meets the school's suspension. */
export function expectInvoicesDuringSuspension(school: SchoolBuilder): void {
  for (const invoice of school.spec.invoices)
    if (keurmerkInvalidIn(school.spec, { from: invoice.periodStart, to: invoice.periodEnd }))
      school.expect({
        rule: RULE,
        severity: defaultSeverity(RULE),
        subjectType: 'INVOICE',
        subjectKey: invoiceKey(school.kvk, invoice.invoiceNumber),
        why: 'invoice period meets the suspension',
      });
}

/** A learner with a contract signed before the withdrawal, running on (before the lessons are scheduled). */
export function takeLearnerContractedBeyondWithdrawal(school: SchoolBuilder, group: Group): Learner {
  const afterwards = school.take(group, (l) => l.leaveOn >= '2024-06-27');
  afterwards.contractEnd = WINDOW.to;
  return afterwards;
}

/** Once the money is derived: that contract invoiced for the quarter after the withdrawal. */
export function plantInvoiceAfterWithdrawal(school: SchoolBuilder, afterwards: Learner): void {
  const invoice = school.invoice(school.contractOf(afterwards), {
    periodStart: '2024-07-01',
    periodEnd: '2024-09-30',
    hours: 40,
  });
  for (const rule of [RULE, 'INVOICED_HOURS_EXCEED_ATTENDANCE'] as const)
    school.expect({
      rule,
      severity: defaultSeverity(rule),
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, invoice.invoiceNumber),
      why: 'invoice for lessons after the withdrawal, never given',
    });
}

export function evaluateInvoiceOutsideKeurmerk(
  ctx: SchoolContext,
  invoice: InvoiceSpec,
  base: { schoolKvk: string; subjectType: 'INVOICE'; subjectKey: string },
): void {
  if (ctx.invalidIn({ from: invoice.periodStart, to: invoice.periodEnd }))
    ctx.raise({
      ...base,
      rule: RULE,
      severity: defaultSeverity(RULE),
      why: 'the school held no valid keurmerk on some day of the invoice period',
    });
}
