/**
 * The words the modules share: rule codes, severities, subject types, flag statuses, routes. Plain values
 * and types, importing nothing, so every module (rules, checks, flags, groups, reports, the console) can
 * use them without depending on another. What a rule *is* lives in src/rules/catalogue/.
 */

/** The eighteen rule codes of DOMAIN.md's catalogue, in its order (src/rules/catalogue/index.ts holds one file per code). */
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

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FLAG_STATUSES = ['OPEN', 'IN_REVIEW', 'CONFIRMED', 'DISMISSED', 'WITHDRAWN'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/** Flags a person decided (CONFIRMED, DISMISSED) are never changed by the system; these are. */
export const LIVE_FLAG_STATUSES = ['OPEN', 'IN_REVIEW'] as const satisfies readonly FlagStatus[];
/** The live statuses as an SQL list: `f.status IN ${LIVE}`. */
export const LIVE = `(${LIVE_FLAG_STATUSES.map((s) => `'${s}'`).join(',')})`;

export const SUBJECT_TYPES = [
  'HOURS_DECLARATION',
  'INVOICE',
  'LESSON',
  'LEARNER',
  'SCHOOL_YEAR',
  'DUO_PAYMENT',
] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** leerroutes */
export const ROUTES = ['B1', 'Z', 'ALFA', 'ONDERWIJS', 'WI2013'] as const;
export type Route = (typeof ROUTES)[number];

/** The four components of the integration exam (inburgeringsexamen) DUO reports a result for. */
export const EXAM_COMPONENTS = ['READING', 'LISTENING', 'WRITING', 'SPEAKING'] as const;
export type ExamComponent = (typeof EXAM_COMPONENTS)[number];

/** The levels of an exam result, lowest first: their order is what "below a level" means. */
export const EXAM_LEVELS = ['BELOW_A1', 'A1', 'A2', 'B1', 'B2'] as const;
export type ExamLevel = (typeof EXAM_LEVELS)[number];
