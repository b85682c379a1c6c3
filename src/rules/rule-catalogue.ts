import { EXAM_LEVELS } from '../duo/exam-levels';
import { Severity, SubjectType } from '../flags/flag.entity';

/** The eighteen rule codes of DOMAIN.md's catalogue. */
export const RULE_CODES = [
  'DECLARATION_WITHOUT_DUO_CONTRACT',
  'DECLARED_HOURS_EXCEED_ATTENDANCE',
  'DECLARED_HOURS_EXCEED_CONTRACT',
  'DECLARATION_OUTSIDE_KEURMERK',
  'INVOICE_EXCEEDS_CONTRACT',
  'INVOICED_HOURS_EXCEED_ATTENDANCE',
  'INVOICE_OUTSIDE_KEURMERK',
  'INVOICE_AMOUNT_MISMATCH',
  'PAYMENT_WITHOUT_INVOICE',
  'QUARTERLY_CAP_EXCEEDED',
  'LOAN_LIMIT_EXCEEDED',
  'GROUP_SIZE_EXCEEDED',
  'LEARNER_DOUBLE_BOOKED',
  'TEACHER_DOUBLE_BOOKED',
  'ATTENDANCE_WITHOUT_CONTRACT',
  'CERTIFIED_LESSON_SHARE_BELOW_NORM',
  'PRESENTED_DECLARATION_NOT_REGISTERED',
  'RESULTS_BELOW_REGISTERED_HOURS',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** What each rule flags (DOMAIN.md's "subject" column). */
export const RULE_SUBJECTS: Record<RuleCode, SubjectType> = {
  DECLARATION_WITHOUT_DUO_CONTRACT: 'HOURS_DECLARATION',
  DECLARED_HOURS_EXCEED_ATTENDANCE: 'HOURS_DECLARATION',
  DECLARED_HOURS_EXCEED_CONTRACT: 'HOURS_DECLARATION',
  DECLARATION_OUTSIDE_KEURMERK: 'HOURS_DECLARATION',
  INVOICE_EXCEEDS_CONTRACT: 'INVOICE',
  INVOICED_HOURS_EXCEED_ATTENDANCE: 'INVOICE',
  INVOICE_OUTSIDE_KEURMERK: 'INVOICE',
  INVOICE_AMOUNT_MISMATCH: 'INVOICE',
  PAYMENT_WITHOUT_INVOICE: 'DUO_PAYMENT',
  QUARTERLY_CAP_EXCEEDED: 'LEARNER',
  LOAN_LIMIT_EXCEEDED: 'LEARNER',
  GROUP_SIZE_EXCEEDED: 'LESSON',
  LEARNER_DOUBLE_BOOKED: 'LESSON',
  TEACHER_DOUBLE_BOOKED: 'LESSON',
  ATTENDANCE_WITHOUT_CONTRACT: 'LEARNER',
  CERTIFIED_LESSON_SHARE_BELOW_NORM: 'SCHOOL_YEAR',
  PRESENTED_DECLARATION_NOT_REGISTERED: 'HOURS_DECLARATION',
  RESULTS_BELOW_REGISTERED_HOURS: 'HOURS_DECLARATION',
};

/** Rules about a learner across schools: their flags belong to no school. */
export const CROSS_SCHOOL_RULES: readonly RuleCode[] = ['QUARTERLY_CAP_EXCEEDED', 'LOAN_LIMIT_EXCEEDED'];

export const ROUTES = ['B1', 'Z', 'ALFA', 'ONDERWIJS', 'WI2013'] as const;
export type RouteMaxima = Record<(typeof ROUTES)[number], number>;

/** The type of one rule parameter; `validate` returns the reason a value is wrong, or null. */
interface ParameterType {
  describe: string;
  validate(value: unknown): string | null;
}

const number = (min: number, max: number, integer: boolean): ParameterType => ({
  describe: `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
  validate: (value) =>
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value))
      ? null
      : `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
});

const hours = number(0, 10_000, false);
const cents = number(0, 100_000_000, true);

/** One of a fixed list of codes (an array: `__proto__` or `constructor` must not pass as a known key). */
const oneOf = (codes: readonly string[]): ParameterType => ({
  describe: `one of ${codes.join(', ')}`,
  validate: (value) =>
    typeof value === 'string' && codes.includes(value) ? null : `must be one of ${codes.join(', ')}`,
});

/** routeMaxima: a maximum group size (1..100) per route; only known routes. */
const routeMaxima: ParameterType = {
  describe: `an object with a maximum group size (1..100) per route (${ROUTES.join(', ')})`,
  validate: (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return 'must be an object of route maxima';
    for (const [route, max] of Object.entries(value)) {
      if (!(ROUTES as readonly string[]).includes(route)) return `has an unknown route ${route}`;
      const reason = number(1, 100, true).validate(max);
      if (reason) return `${route} ${reason}`;
    }
    return null;
  },
};

/** The parameters each rule accepts (PATCH /rules/{code} refuses any other key or type). */
export const RULE_PARAMETERS: Record<RuleCode, Record<string, ParameterType>> = {
  DECLARATION_WITHOUT_DUO_CONTRACT: { confirmationDays: number(1, 365, true) },
  DECLARED_HOURS_EXCEED_ATTENDANCE: { toleranceHours: hours },
  DECLARED_HOURS_EXCEED_CONTRACT: { toleranceHours: hours },
  DECLARATION_OUTSIDE_KEURMERK: {},
  INVOICE_EXCEEDS_CONTRACT: {},
  INVOICED_HOURS_EXCEED_ATTENDANCE: { toleranceHours: hours },
  INVOICE_OUTSIDE_KEURMERK: {},
  INVOICE_AMOUNT_MISMATCH: { toleranceCents: cents },
  PAYMENT_WITHOUT_INVOICE: {},
  QUARTERLY_CAP_EXCEEDED: { capCents: cents },
  LOAN_LIMIT_EXCEEDED: {},
  GROUP_SIZE_EXCEEDED: { routeMaxima },
  LEARNER_DOUBLE_BOOKED: {},
  TEACHER_DOUBLE_BOOKED: {},
  ATTENDANCE_WITHOUT_CONTRACT: {},
  CERTIFIED_LESSON_SHARE_BELOW_NORM: {
    norm: number(0, 1, false),
    minimumLessons: number(1, 1_000_000, true),
  },
  PRESENTED_DECLARATION_NOT_REGISTERED: {},
  RESULTS_BELOW_REGISTERED_HOURS: {
    minimumHours: hours,
    windowMonths: number(1, 120, true),
    expectedLevel: oneOf(EXAM_LEVELS),
    minimumComponents: number(1, 4, true),
  },
};

/** A rule as the checks read it from the `rules` table. */
export interface ActiveRule {
  code: RuleCode;
  subjectType: SubjectType;
  severity: Severity;
  parameters: Record<string, unknown>;
}
