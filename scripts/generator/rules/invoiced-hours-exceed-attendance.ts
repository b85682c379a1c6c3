/**
 * INVOICED_HOURS_EXCEED_ATTENDANCE (src/rules/catalogue/invoiced-hours-exceed-attendance.rule.ts): an invoice of
 * more hours than the learner attended in its period. Plants: an invoice padded with 20 hours (paid in full), and a
 * drop-out invoiced for a quarter after leaving (the withdrawn school's invoice of invoice-outside-keurmerk.ts
 * breaks it too).
 */
import { minDay } from '../calendar';
import { invoiceKey, InvoiceSpec } from '../dataset';
import { Group, LESSONS_TO, Learner, RATE_CENTS, SchoolBuilder } from '../background';
import { defaultSeverity, SchoolContext } from '../oracle-support';

const RULE = 'INVOICED_HOURS_EXCEED_ATTENDANCE' as const;

/** 20 hours more invoiced than attended in the second quarter of 2024, and paid. */
export function plantPaddedInvoice(school: SchoolBuilder, group: Group): void {
  const padded = school.take(group, (l) => l.leaveOn >= LESSONS_TO);
  const paddedInvoice = school.spec.invoices.find(
    (i) => i.learnerBsn === padded.bsn && i.periodStart.startsWith('2024-04'),
  );
  const paddedPayment = school.payments.find((p) => p.invoiceNumber === paddedInvoice?.invoiceNumber);
  if (paddedInvoice && paddedPayment) {
    paddedInvoice.hours += 20;
    paddedInvoice.amountCents += 20 * RATE_CENTS;
    paddedPayment.amountCents = paddedInvoice.amountCents;
    school.expect({
      rule: RULE,
      severity: defaultSeverity(RULE),
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, paddedInvoice.invoiceNumber),
      why: '20 hours invoiced that were not attended',
    });
  }
}

/** A learner who drops out in March 2024 (before the lessons are scheduled). */
export function takeDropout(school: SchoolBuilder, group: Group): Learner {
  const dropout = school.take(group);
  dropout.leaveOn = minDay(dropout.leaveOn, '2024-03-15');
  return dropout;
}

/** Once the money is derived: the drop-out invoiced for the third quarter of 2024. */
export function plantInvoiceAfterDropout(school: SchoolBuilder, dropout: Learner): void {
  const ghost = school.invoice(school.contractOf(dropout), {
    periodStart: '2024-07-01',
    periodEnd: '2024-09-30',
    hours: 30,
  });
  school.expect({
    rule: RULE,
    severity: defaultSeverity(RULE),
    subjectType: 'INVOICE',
    subjectKey: invoiceKey(school.kvk, ghost.invoiceNumber),
    why: 'invoice for a learner who had dropped out',
  });
}

export function evaluateInvoicedHoursExceedAttendance(
  ctx: SchoolContext,
  invoice: InvoiceSpec,
  base: { schoolKvk: string; subjectType: 'INVOICE'; subjectKey: string },
): void {
  const attended = ctx.attendance.hours(invoice.learnerBsn, invoice.periodStart, invoice.periodEnd);
  if (invoice.hours > attended)
    ctx.raise({
      ...base,
      rule: RULE,
      severity: defaultSeverity(RULE),
      why: `invoiced ${invoice.hours} h, attended ${attended} h`,
    });
}
