/**
 * What the in-memory evaluation of the rules (oracle.ts) and the plants (rules/) share: the rules' default
 * severities and parameters from the catalogue, the attendance and keurmerk helpers, and the indexes the
 * per-rule evaluations read. Nothing here is about one rule.
 */
import { EXAM_LEVELS, ExamComponent } from '../../src/duo/exam-levels';
import { CATALOGUE, defaultParameters } from '../../src/rules/catalogue';
import { addDays, addMonths, Day, Period } from './calendar';
import {
  ContractSpec,
  Dataset,
  ExamResultSpec,
  ExpectedFlag,
  LessonSpec,
  MeasureKind,
  PaymentSpec,
  Route,
  RuleCode,
  SchoolSpec,
  Severity,
} from './dataset';

/** The severity a rule raises with by default (the generated data set runs with the catalogue's settings). */
export const defaultSeverity = (rule: RuleCode): Severity => CATALOGUE[rule].defaultSeverity;

// Rule parameters that the background and several rules read, from the catalogue's defaults.
export const ROUTE_MAXIMA: Record<Route, number> = defaultParameters('GROUP_SIZE_EXCEEDED').routeMaxima;
export const RESULTS_RULE = defaultParameters('RESULTS_BELOW_REGISTERED_HOURS');

/** The window of exam results a declaration ending on `periodEnd` is compared with: the day after, to windowMonths later. */
export const examWindow = (periodEnd: Day): Period => ({
  from: addDays(periodEnd, 1),
  to: addMonths(periodEnd, RESULTS_RULE.windowMonths),
});

/** How many components' latest result in the window is below the expected level. */
export function componentsBelow(results: ExamResultSpec[], window: Period): number {
  const latest = new Map<ExamComponent, ExamResultSpec>();
  for (const r of results) {
    if (r.examDate < window.from || r.examDate > window.to) continue;
    const before = latest.get(r.component);
    if (!before || before.examDate < r.examDate) latest.set(r.component, r);
  }
  const expected = EXAM_LEVELS.indexOf(RESULTS_RULE.expectedLevel);
  return [...latest.values()].filter((r) => EXAM_LEVELS.indexOf(r.level) < expected).length;
}

/** Whether on some day of the period the latest keurmerk event was not ASPIRANT or GRANTED (or there was none). */
export function keurmerkInvalidIn(school: SchoolSpec, period: Period): boolean {
  // Stretches of days with one status, oldest first; the stretch before the first event is NONE.
  const events = school.keurmerkEvents; // oldest first, distinct dates
  const stretches = [
    {
      status: 'NONE',
      from: '0000-01-01',
      to: events.length > 0 ? addDays(events[0].effectiveFrom, -1) : '9999-12-31',
    },
    ...events.map((e, i) => ({
      status: e.status as string,
      from: e.effectiveFrom,
      to: i + 1 < events.length ? addDays(events[i + 1].effectiveFrom, -1) : '9999-12-31',
    })),
  ];
  return stretches.some(
    (s) => s.status !== 'ASPIRANT' && s.status !== 'GRANTED' && s.from <= period.to && period.from <= s.to,
  );
}

export const measureValid = (school: SchoolSpec, kind: MeasureKind, day: Day): boolean =>
  school.measures.some((m) => m.kind === kind && m.validFrom <= day && day <= m.validTo);

export const overlaps = (a: { from: Day; to: Day }, b: { from: Day; to: Day }): boolean =>
  a.from <= b.to && b.from <= a.to;

/** Hours a learner attended at one school's counting lessons (not REMOTE) dated within a period. */
export class AttendanceIndex {
  private readonly byLearner = new Map<string, { date: Day; hours: number }[]>();

  constructor(lessons: LessonSpec[]) {
    for (const lesson of lessons) {
      if (lesson.mode === 'REMOTE') continue;
      for (const bsn of lesson.attendeeBsns) {
        let list = this.byLearner.get(bsn);
        if (!list) this.byLearner.set(bsn, (list = []));
        list.push({ date: lesson.date, hours: lesson.hours });
      }
    }
  }

  /** The first day on which the learner's counted hours since `from` reach `hours`. */
  dayReaching(bsn: string, from: Day, hours: number): Day | undefined {
    let sum = 0;
    for (const entry of [...(this.byLearner.get(bsn) ?? [])].sort((a, b) => a.date.localeCompare(b.date))) {
      if (entry.date < from) continue;
      sum += entry.hours;
      if (sum >= hours) return entry.date;
    }
    return undefined;
  }

  hours(bsn: string, from: Day, to: Day): number {
    let sum = 0;
    for (const entry of this.byLearner.get(bsn) ?? [])
      if (entry.date >= from && entry.date <= to) sum += entry.hours;
    return Math.round(sum * 100) / 100;
  }
}

export function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(item);
  }
  return groups;
}

/** Pairs of lessons that share a key (teacher, learner) and whose [startsAt, endsAt) intervals intersect. */
export function overlappingPairs<T extends LessonSpec>(
  lessons: T[],
  keysOf: (lesson: T) => string[],
): [T, T][] {
  const byKey = new Map<string, T[]>();
  for (const lesson of lessons)
    for (const key of keysOf(lesson)) {
      const list = byKey.get(key);
      if (list) list.push(lesson);
      else byKey.set(key, [lesson]);
    }
  const pairs: [T, T][] = [];
  for (const list of byKey.values()) {
    const sorted = list
      .map((lesson) => ({ lesson, start: Date.parse(lesson.startsAt), end: Date.parse(lesson.endsAt) }))
      .sort((a, b) => a.start - b.start);
    for (let i = 0; i < sorted.length; i++)
      for (let j = i + 1; j < sorted.length && sorted[j].start < sorted[i].end; j++)
        pairs.push([sorted[i].lesson, sorted[j].lesson]);
  }
  return pairs;
}

// --- what the per-rule evaluations read ----------------------------------------------------------

/** The data the rules are evaluated over. */
export type OracleData = Pick<Dataset, 'schools' | 'payments' | 'loanAccounts' | 'examResults'> &
  Partial<Pick<Dataset, 'presented'>>;

export type Raise = (
  flag: Omit<ExpectedFlag, 'periodMatch'> & { periodMatch?: ExpectedFlag['periodMatch'] },
) => void;

/** The whole data set, indexed once. */
export interface DatasetContext {
  data: OracleData;
  raise: Raise;
  /** Every registered invoice, by invoiceKey. */
  invoiceNumbers: Set<string>;
  paymentsByInvoice: Map<string, PaymentSpec[]>;
  /** `${schoolKvk}|${bsn}` of every DUO payment. */
  paidLearnerSchools: Set<string>;
  examResultsOf: Map<string, ExamResultSpec[]>;
}

/** One school of the data set, indexed once. */
export interface SchoolContext extends DatasetContext {
  school: SchoolSpec;
  kvk: string;
  attendance: AttendanceIndex;
  invalidIn(period: Period): boolean;
  contractsOf(bsn: string): ContractSpec[];
}
