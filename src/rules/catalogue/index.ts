/**
 * The rule catalogue (DOMAIN.md): one file per rule. To add a rule, add its code to RULE_CODES
 * (src/common/vocabulary.ts), its file here, and the file to CATALOGUE below (see README "Adding a rule").
 */
import { RULE_CODES, RuleCode } from '../../common/vocabulary';
import { declarationWithoutDuoContract } from './declaration-without-duo-contract.rule';
import { declaredHoursExceedAttendance } from './declared-hours-exceed-attendance.rule';
import { declaredHoursExceedContract } from './declared-hours-exceed-contract.rule';
import { declarationOutsideKeurmerk } from './declaration-outside-keurmerk.rule';
import { invoiceExceedsContract } from './invoice-exceeds-contract.rule';
import { invoicedHoursExceedAttendance } from './invoiced-hours-exceed-attendance.rule';
import { invoiceOutsideKeurmerk } from './invoice-outside-keurmerk.rule';
import { invoiceAmountMismatch } from './invoice-amount-mismatch.rule';
import { paymentWithoutInvoice } from './payment-without-invoice.rule';
import { quarterlyCapExceeded } from './quarterly-cap-exceeded.rule';
import { loanLimitExceeded } from './loan-limit-exceeded.rule';
import { groupSizeExceeded } from './group-size-exceeded.rule';
import { learnerDoubleBooked } from './learner-double-booked.rule';
import { teacherDoubleBooked } from './teacher-double-booked.rule';
import { attendanceWithoutContract } from './attendance-without-contract.rule';
import { certifiedLessonShareBelowNorm } from './certified-lesson-share-below-norm.rule';
import { presentedDeclarationNotRegistered } from './presented-declaration-not-registered.rule';
import { resultsBelowRegisteredHours } from './results-below-registered-hours.rule';
import { ParameterValues, RuleDefinition } from './rule-definition';
import { ATTENDANCE_EXCEPTIONS } from './shared-sql';

/** Every rule by its code: the compiler refuses a code without its rule, or a rule filed under another code. */
export const CATALOGUE = {
  DECLARATION_WITHOUT_DUO_CONTRACT: declarationWithoutDuoContract,
  DECLARED_HOURS_EXCEED_ATTENDANCE: declaredHoursExceedAttendance,
  DECLARED_HOURS_EXCEED_CONTRACT: declaredHoursExceedContract,
  DECLARATION_OUTSIDE_KEURMERK: declarationOutsideKeurmerk,
  INVOICE_EXCEEDS_CONTRACT: invoiceExceedsContract,
  INVOICED_HOURS_EXCEED_ATTENDANCE: invoicedHoursExceedAttendance,
  INVOICE_OUTSIDE_KEURMERK: invoiceOutsideKeurmerk,
  INVOICE_AMOUNT_MISMATCH: invoiceAmountMismatch,
  PAYMENT_WITHOUT_INVOICE: paymentWithoutInvoice,
  QUARTERLY_CAP_EXCEEDED: quarterlyCapExceeded,
  LOAN_LIMIT_EXCEEDED: loanLimitExceeded,
  GROUP_SIZE_EXCEEDED: groupSizeExceeded,
  LEARNER_DOUBLE_BOOKED: learnerDoubleBooked,
  TEACHER_DOUBLE_BOOKED: teacherDoubleBooked,
  ATTENDANCE_WITHOUT_CONTRACT: attendanceWithoutContract,
  CERTIFIED_LESSON_SHARE_BELOW_NORM: certifiedLessonShareBelowNorm,
  PRESENTED_DECLARATION_NOT_REGISTERED: presentedDeclarationNotRegistered,
  RESULTS_BELOW_REGISTERED_HOURS: resultsBelowRegisteredHours,
} as const satisfies { [C in RuleCode]: RuleDefinition<C> };

/** The rules in DOMAIN.md's order. */
export const RULES: readonly RuleDefinition[] = RULE_CODES.map((code) => CATALOGUE[code]);

export { RULE_CODES, type RuleCode };

export const ruleOf = (code: RuleCode): RuleDefinition => CATALOGUE[code];

/** What each rule flags (DOMAIN.md's "subject" column). */
export const RULE_SUBJECTS = Object.fromEntries(RULES.map((rule) => [rule.code, rule.subjectType])) as {
  [C in RuleCode]: (typeof CATALOGUE)[C]['subjectType'];
};

/** Rules about a learner across schools: their flags belong to no school. */
export const CROSS_SCHOOL_RULES: readonly RuleCode[] = RULES.filter((rule) => rule.crossSchool).map(
  (rule) => rule.code,
);

/** Whether a full run of one of these rules reads the attendance exceptions (check_attendance). */
export const readsAttendanceExceptions = (codes: readonly RuleCode[]): boolean =>
  codes.some((code) => ruleOf(code).readsAttendanceExceptions === true);

/**
 * What a full run of these rules runs first in its transaction: the attendance exceptions as the temp table
 * check_attendance when one of them reads it (derived once for all of them). A read-only transaction, which
 * cannot create it, has it as a WITH query of that name instead (attendanceExceptionsCte).
 */
export const fullRunPreparation = (codes: readonly RuleCode[]): string[] =>
  readsAttendanceExceptions(codes)
    ? [
        `DROP TABLE IF EXISTS check_attendance`,
        `CREATE TEMP TABLE check_attendance ON COMMIT DROP AS ${ATTENDANCE_EXCEPTIONS}`,
        `ANALYZE check_attendance`,
      ]
    : [];

/** The attendance exceptions as the first WITH query of one statement (`WITH ${...}other AS ...`), when these rules read it. */
export const attendanceExceptionsCte = (codes: readonly RuleCode[]): string =>
  readsAttendanceExceptions(codes) ? `check_attendance AS (${ATTENDANCE_EXCEPTIONS}),` : '';

/** A rule's parameters, typed, with every default applied. */
export type RuleParameters<C extends RuleCode> = ParameterValues<(typeof CATALOGUE)[C]['parameters']>;

/** Its parameters' defaults. */
export function defaultParameters<C extends RuleCode>(code: C): RuleParameters<C> {
  return withDefaults(code, {});
}

/**
 * The rule's parameters as stored (the `rules` row, possibly missing keys or from an older release) with the
 * catalogue's defaults applied: a value that is missing or no longer valid is its default; an object value
 * (routeMaxima) is merged key by key over the default, so a route the auditor left out keeps its default.
 * Keys the catalogue does not know are dropped.
 */
export function withDefaults<C extends RuleCode>(
  code: C,
  stored: Record<string, unknown> | null | undefined,
): RuleParameters<C> {
  const schema = CATALOGUE[code].parameters as Record<
    string,
    { type: { validate(v: unknown): string | null }; default: unknown }
  >;
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const value = stored?.[key];
    const valid = value !== undefined && spec.type.validate(value) === null;
    values[key] = !valid
      ? structuredClone(spec.default)
      : isPlainObject(spec.default)
        ? { ...spec.default, ...(value as object) }
        : value;
  }
  return values as RuleParameters<C>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
