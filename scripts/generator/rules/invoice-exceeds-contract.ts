/**
 * INVOICE_EXCEEDS_CONTRACT (src/rules/catalogue/invoice-exceeds-contract.rule.ts): the contract's invoices, in
 * date order, invoice more hours or cents than it buys. Plant: a contract of 200 hours is exhausted and the next
 * quarter is invoiced anyway.
 */
import { addDays, minDay, quartersBetween } from '../calendar';
import { invoiceKey } from '../dataset';
import { Group, LESSONS_TO, Learner, SchoolBuilder } from '../background';
import { defaultSeverity, groupBy, SchoolContext } from '../oracle-support';

const RULE = 'INVOICE_EXCEEDS_CONTRACT' as const;

/** A learner staying to the end on a contract of 200 hours (before the lessons are scheduled). */
export function takeLearnerCrossingTheContract(school: SchoolBuilder, group: Group): Learner {
  const crossing = school.take(group, (l) => l.leaveOn >= LESSONS_TO);
  crossing.contractHours = 200;
  return crossing;
}

/** Once the money is derived: the quarter after the contract is exhausted, invoiced anyway. */
export function plantInvoiceBeyondContract(school: SchoolBuilder, crossing: Learner): void {
  const contract = school.contractOf(crossing);
  const last = school.spec.invoices.filter((i) => i.contractReference === contract.reference).pop();
  const next =
    last &&
    quartersBetween(addDays(last.periodEnd, 1), contract.endDate).find(
      (q) => school.attended(crossing.bsn, q.from, minDay(q.to, contract.endDate)) >= 20,
    );
  if (next) {
    const crossed = school.invoice(contract, {
      periodStart: next.from,
      periodEnd: minDay(next.to, contract.endDate),
      hours: 20,
    });
    school.expect({
      rule: RULE,
      severity: defaultSeverity(RULE),
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, crossed.invoiceNumber),
      why: 'invoices beyond the 200 contracted hours',
    });
  }
}

export function evaluateInvoiceExceedsContract(ctx: SchoolContext): void {
  const { school, kvk } = ctx;
  const invoicesByContract = groupBy(school.invoices, (i) => i.contractReference);
  for (const contract of school.contracts) {
    const invoices = [...(invoicesByContract.get(contract.reference) ?? [])].sort(
      (a, b) => a.invoiceDate.localeCompare(b.invoiceDate) || a.invoiceNumber.localeCompare(b.invoiceNumber),
    );
    let hours = 0;
    let cents = 0;
    for (const invoice of invoices) {
      hours += invoice.hours;
      cents += invoice.amountCents;
      if (hours > contract.hours || cents > contract.priceCents)
        ctx.raise({
          rule: RULE,
          severity: defaultSeverity(RULE),
          schoolKvk: kvk,
          subjectType: 'INVOICE',
          subjectKey: invoiceKey(kvk, invoice.invoiceNumber),
          why: `invoiced ${hours} h / ${cents} cents on a contract of ${contract.hours} h / ${contract.priceCents} cents`,
        });
    }
  }
}
