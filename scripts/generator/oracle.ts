/**
 * The rule catalogue of DOMAIN.md evaluated in memory over a generated data set: the ground truth.
 * The generator plants irregularities with the flags it means to raise; this evaluation proves that
 * the data implies exactly those flags (no accidental extra), so the scorecard can demand 1.0/1.0.
 * Each rule's evaluation sits in rules/ beside its plants, in a file named like the rule's in
 * src/rules/catalogue; this file walks the data set once and hands each rule what it judges.
 */
import { declarationKey, ExpectedFlag, invoiceKey } from './dataset';
import {
  AttendanceIndex,
  DatasetContext,
  groupBy,
  keurmerkInvalidIn,
  OracleData,
  SchoolContext,
} from './oracle-support';
import { evaluateAttendanceWithoutContract } from './rules/attendance-without-contract';
import { evaluateCertifiedLessonShareBelowNorm } from './rules/certified-lesson-share-below-norm';
import { evaluateDeclarationOutsideKeurmerk } from './rules/declaration-outside-keurmerk';
import {
  evaluateDeclarationWithoutDuoContract,
  evaluatePresentedWithoutDuoContract,
} from './rules/declaration-without-duo-contract';
import { evaluateDeclaredHoursExceedAttendance } from './rules/declared-hours-exceed-attendance';
import { evaluateDeclaredHoursExceedContract } from './rules/declared-hours-exceed-contract';
import { evaluateGroupSizeExceeded } from './rules/group-size-exceeded';
import { evaluateInvoiceAmountMismatch } from './rules/invoice-amount-mismatch';
import { evaluateInvoiceExceedsContract } from './rules/invoice-exceeds-contract';
import { evaluateInvoiceOutsideKeurmerk } from './rules/invoice-outside-keurmerk';
import { evaluateInvoicedHoursExceedAttendance } from './rules/invoiced-hours-exceed-attendance';
import { evaluateLearnerDoubleBooked } from './rules/learner-double-booked';
import { evaluateLoanLimitExceeded } from './rules/loan-limit-exceeded';
import { evaluatePaymentWithoutInvoice } from './rules/payment-without-invoice';
import {
  evaluatePresentedDeclarationNotRegistered,
  registered,
} from './rules/presented-declaration-not-registered';
import { evaluateQuarterlyCapExceeded } from './rules/quarterly-cap-exceeded';
import { evaluateResultsBelowRegisteredHours } from './rules/results-below-registered-hours';
import { evaluateTeacherDoubleBooked } from './rules/teacher-double-booked';

export {
  AttendanceIndex,
  componentsBelow,
  examWindow,
  keurmerkInvalidIn,
  RESULTS_RULE,
  ROUTE_MAXIMA,
} from './oracle-support';
export { withoutDuoContractSeverity } from './rules/declaration-without-duo-contract';
export { QUARTERLY_CAP_CENTS } from './rules/quarterly-cap-exceeded';

export function evaluateRules(data: OracleData): ExpectedFlag[] {
  const flags: ExpectedFlag[] = [];
  const invoiceNumbers = new Set<string>();
  for (const school of data.schools)
    for (const invoice of school.invoices)
      invoiceNumbers.add(invoiceKey(school.kvkNumber, invoice.invoiceNumber));
  const ctx: DatasetContext = {
    data,
    raise: (flag) => {
      flags.push({ periodMatch: 'none', ...flag });
    },
    invoiceNumbers,
    paymentsByInvoice: groupBy(data.payments, (p) => invoiceKey(p.schoolKvk, p.invoiceNumber)),
    paidLearnerSchools: new Set(data.payments.map((p) => `${p.schoolKvk}|${p.bsn}`)),
    examResultsOf: groupBy(data.examResults, (r) => r.bsn),
  };

  for (const school of data.schools) {
    const kvk = school.kvkNumber;
    const contractsByLearner = groupBy(school.contracts, (c) => c.learnerBsn);
    const schoolCtx: SchoolContext = {
      ...ctx,
      school,
      kvk,
      attendance: new AttendanceIndex(school.lessons),
      invalidIn: (p) => keurmerkInvalidIn(school, p),
      contractsOf: (bsn) => contractsByLearner.get(bsn) ?? [],
    };

    for (const d of school.declarations) {
      const base = {
        schoolKvk: kvk,
        subjectType: 'HOURS_DECLARATION' as const,
        subjectKey: declarationKey(kvk, d),
      };
      evaluateDeclarationWithoutDuoContract(schoolCtx, d, base);
      evaluateDeclaredHoursExceedAttendance(schoolCtx, d, base);
      evaluateDeclaredHoursExceedContract(schoolCtx, d, base);
      evaluateDeclarationOutsideKeurmerk(schoolCtx, d, base);
      evaluateResultsBelowRegisteredHours(schoolCtx, d, base);
    }

    evaluateInvoiceExceedsContract(schoolCtx);
    for (const invoice of school.invoices) {
      const base = {
        schoolKvk: kvk,
        subjectType: 'INVOICE' as const,
        subjectKey: invoiceKey(kvk, invoice.invoiceNumber),
      };
      evaluateInvoicedHoursExceedAttendance(schoolCtx, invoice, base);
      evaluateInvoiceOutsideKeurmerk(schoolCtx, invoice, base);
      evaluateInvoiceAmountMismatch(schoolCtx, invoice, base);
    }

    evaluateGroupSizeExceeded(schoolCtx);
    evaluateTeacherDoubleBooked(schoolCtx);
    evaluateAttendanceWithoutContract(schoolCtx);
    evaluateCertifiedLessonShareBelowNorm(schoolCtx);
  }

  evaluateLearnerDoubleBooked(ctx);
  evaluatePaymentWithoutInvoice(ctx);
  evaluateQuarterlyCapExceeded(ctx);
  evaluateLoanLimitExceeded(ctx);

  // Presented declarations: a match is the registered one (evaluated above); any other is recorded for its school
  // (or its KvK alone) and judged by the two rules that apply to a presented paper.
  const schoolsByKvk = new Map(data.schools.map((s) => [s.kvkNumber, s]));
  for (const { learnerBsn, paper } of data.presented ?? []) {
    const { schoolKvk: kvk, ...declaration } = paper;
    const school = schoolsByKvk.get(kvk);
    if (registered(school, learnerBsn, declaration)) continue;
    const base = {
      schoolKvk: school ? kvk : null,
      subjectType: 'HOURS_DECLARATION' as const,
      subjectKey: declarationKey(kvk, { learnerBsn, ...declaration }),
    };
    evaluatePresentedDeclarationNotRegistered(ctx, school, base);
    evaluatePresentedWithoutDuoContract(
      ctx,
      {
        kvk,
        learnerBsn,
        contracts: school?.contracts ?? [],
        period: { from: paper.periodStart, to: paper.periodEnd },
      },
      base,
    );
  }
  return flags;
}
