import { EXAM_LEVELS, RuleCode, ROUTES, Route, Severity, SubjectType } from '../../common/vocabulary';

/** The type of one rule parameter; `validate` returns the reason a value is wrong, or null. */
export interface ParameterType<T> {
  describe: string;
  validate(value: unknown): string | null;
  /** Only for the type checker: the value `validate` accepts. */
  readonly _value?: T;
}

/** A parameter of a rule: its type and the value it has when the auditor set none. */
export interface ParameterSpec<T = unknown> {
  type: ParameterType<T>;
  default: T;
}

export const parameter = <T>(type: ParameterType<T>, defaultValue: T): ParameterSpec<T> => ({
  type,
  default: defaultValue,
});

export const number = (min: number, max: number, integer: boolean): ParameterType<number> => ({
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

export const hoursValue = number(0, 10_000, false);
export const centsValue = number(0, 100_000_000, true);

/** One of a fixed list of codes (an array: `__proto__` or `constructor` must not pass as a known key). */
export const oneOf = <C extends string>(codes: readonly C[]): ParameterType<C> => ({
  describe: `one of ${codes.join(', ')}`,
  validate: (value) =>
    typeof value === 'string' && (codes as readonly string[]).includes(value)
      ? null
      : `must be one of ${codes.join(', ')}`,
});

export const examLevel = oneOf(EXAM_LEVELS);

/** routeMaxima: a maximum group size (1..100) per route; only known routes. */
export const routeMaxima: ParameterType<Record<Route, number>> = {
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

/** The parameter schema of a rule: name to spec. */
export type ParameterSchema = Record<string, ParameterSpec<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The parameter values a schema describes. */
export type ParameterValues<S extends ParameterSchema> = {
  [K in keyof S]: S[K] extends ParameterSpec<infer T> ? T : never;
};

/**
 * SQL that is true when the subject is in the run's scope. `school` only for subjects that are checked per
 * school (a learner's attendance at each school): for every other subject the school follows from it.
 */
export type InScope = (subject: string, school?: string) => string;

/**
 * What a rule statement is rendered for: a full run (`all`, every subject: no restriction is rendered at all) or
 * a scoped run, whose `inScope` limits a subject to the run's candidates.
 */
export interface RuleScope {
  readonly all: boolean;
  readonly inScope: InScope;
}

/** A full run: everything. */
export const FULL_RUN: RuleScope = { all: true, inScope: () => 'TRUE' };

/** The school key of subjects that belong to no school (PAYMENT_WITHOUT_INVOICE of an unknown KvK, learner caps). */
export const NO_SCHOOL = '00000000-0000-0000-0000-000000000000';

/**
 * A scoped run of rule `code`: the subjects its candidates put in the temp table check_scope
 * (rule_code, subject_id, school_key), which the check engine fills before it runs the fired statement.
 */
export const scopedRun = (code: RuleCode): RuleScope => ({
  all: false,
  inScope: (subject, school) =>
    school
      ? `(${subject}, coalesce(${school}, '${NO_SCHOOL}'::uuid)) IN (SELECT subject_id, school_key FROM check_scope WHERE rule_code = '${code}')`
      : `${subject} IN (SELECT subject_id FROM check_scope WHERE rule_code = '${code}')`,
});

/**
 * One rule of DOMAIN.md's catalogue, everything about it but what an auditor changes (enabled, severity,
 * parameter values: the `rules` table, seeded from here).
 *  - `candidates`: the subjects ((subject id, school id) pairs) a scope of marked schools ($1 uuid[]) and
 *    learners ($2 uuid[]) can affect. Evaluated only for scoped runs; a full run evaluates everything.
 *  - `fired`: the flags the rule raises, as rows (subject_id, school_id, period_from, period_to, severity,
 *    explanation, evidence). `$1` is the rule's parameters (jsonb, defaults applied), `$2` its configured
 *    severity. `scope` says whether it is a full run; its `inScope(subject, school)` limits a scoped run to the
 *    candidates.
 * Explanations name the numbers and only the subject's own school ("a lesson at another school");
 * evidence records carry the schoolId of the record they name, so a school's view can be redacted.
 */
export interface RuleDefinition<C extends RuleCode = RuleCode, S extends ParameterSchema = ParameterSchema> {
  code: C;
  /** What the rule flags (DOMAIN.md's "subject" column). */
  subjectType: SubjectType;
  description: string;
  defaultSeverity: Severity;
  /** A rule about a learner across schools: its flags belong to no school. */
  crossSchool?: boolean;
  parameters: S;
  /** Its full run reads the attendance exceptions (shared-sql's ATTENDANCE_EXCEPTIONS), derived once per transaction. */
  readsAttendanceExceptions?: boolean;
  candidates: string;
  fired(scope: RuleScope): string;
}

/** A rule file's one export; `const` keeps the code and the parameter types literal for the typed accessor. */
export const defineRule = <const C extends RuleCode, const S extends ParameterSchema>(
  rule: RuleDefinition<C, S>,
): RuleDefinition<C, S> => rule;

/** A rule as the checks read it from the `rules` table. */
export interface ActiveRule {
  code: RuleCode;
  subjectType: SubjectType;
  severity: Severity;
  parameters: Record<string, unknown>;
}
