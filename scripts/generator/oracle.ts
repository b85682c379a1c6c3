/**
 * The rule catalogue of DOMAIN.md evaluated in memory over a generated data set: the ground truth.
 * The generator plants irregularities with the flags it means to raise; this evaluation proves that
 * the data implies exactly those flags (no accidental extra), so the scorecard can demand 1.0/1.0.
 */
import { EXAM_LEVELS, ExamComponent } from '../../src/duo/exam-levels';
import { CATALOGUE, defaultParameters } from '../../src/rules/catalogue';
import { addDays, addMonths, Day, Period, quarterOf } from './calendar';
import {
  ContractSpec,
  Dataset,
  declarationKey,
  ExamResultSpec,
  DeclarationSpec,
  ExpectedFlag,
  invoiceKey,
  learnerKey,
  LessonSpec,
  lessonKey,
  MeasureKind,
  paymentKey,
  Route,
  RuleCode,
  SchoolSpec,
  Severity,
} from './dataset';

/** The severity a rule raises with by default (the generated data set runs with the catalogue's settings). */
const defaultSeverity = (rule: RuleCode): Severity => CATALOGUE[rule].defaultSeverity;

// The rules' default parameters, from the catalogue (the generated data set runs with them).
export const ROUTE_MAXIMA: Record<Route, number> = defaultParameters('GROUP_SIZE_EXCEEDED').routeMaxima;
export const QUARTERLY_CAP_CENTS = defaultParameters('QUARTERLY_CAP_EXCEEDED').capCents;
const { norm: NORM, minimumLessons: MINIMUM_LESSONS } = defaultParameters(
  'CERTIFIED_LESSON_SHARE_BELOW_NORM',
);
const EXPERIENCED_QUALIFICATIONS = ['DUTCH', 'MODERN_FOREIGN_LANGUAGE', 'PABO', 'OUTDATED_NT2'];
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

const measureValid = (school: SchoolSpec, kind: MeasureKind, day: Day): boolean =>
  school.measures.some((m) => m.kind === kind && m.validFrom <= day && day <= m.validTo);

const overlaps = (a: { from: Day; to: Day }, b: { from: Day; to: Day }): boolean =>
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

/**
 * DECLARATION_WITHOUT_DUO_CONTRACT's severity (DOMAIN.md "Contracts known at DUO") from the school's contracts with
 * the learner overlapping the period: none its severity (HIGH), a DUO_LOAN one at most MEDIUM, all SELF or
 * MUNICIPALITY LOW.
 */
export function withoutDuoContractSeverity(contracts: ContractSpec[], period: Period): Severity {
  const overlapping = contracts.filter((c) => overlaps({ from: c.startDate, to: c.endDate }, period));
  const configured = defaultSeverity('DECLARATION_WITHOUT_DUO_CONTRACT');
  if (overlapping.length === 0) return configured;
  return overlapping.some((c) => c.funding === 'DUO_LOAN')
    ? configured === 'HIGH'
      ? 'MEDIUM'
      : configured
    : 'LOW';
}

/** The register's declaration a presented one matches: same learner, purpose, period, hours and issue date. */
const samePaper = (
  d: DeclarationSpec,
  learnerBsn: string,
  paper: Omit<DeclarationSpec, 'learnerBsn'>,
): boolean =>
  d.learnerBsn === learnerBsn &&
  d.purpose === paper.purpose &&
  d.periodStart === paper.periodStart &&
  d.periodEnd === paper.periodEnd &&
  d.hours === paper.hours &&
  d.issuedOn === paper.issuedOn;

export function evaluateRules(
  data: Pick<Dataset, 'schools' | 'payments' | 'loanAccounts' | 'examResults'> &
    Partial<Pick<Dataset, 'presented'>>,
): ExpectedFlag[] {
  const flags: ExpectedFlag[] = [];
  const raise = (
    flag: Omit<ExpectedFlag, 'periodMatch'> & { periodMatch?: ExpectedFlag['periodMatch'] },
  ): void => {
    flags.push({ periodMatch: 'none', ...flag });
  };
  const invoiceNumbers = new Set<string>();
  for (const school of data.schools)
    for (const invoice of school.invoices)
      invoiceNumbers.add(invoiceKey(school.kvkNumber, invoice.invoiceNumber));
  const paymentsByInvoice = groupBy(data.payments, (p) => invoiceKey(p.schoolKvk, p.invoiceNumber));
  const paidLearnerSchools = new Set(data.payments.map((p) => `${p.schoolKvk}|${p.bsn}`));
  const examResultsOf = groupBy(data.examResults, (r) => r.bsn);

  for (const school of data.schools) {
    const kvk = school.kvkNumber;
    const attendance = new AttendanceIndex(school.lessons);
    const invalidIn = (p: Period): boolean => keurmerkInvalidIn(school, p);
    const contractsByLearner = groupBy(school.contracts, (c) => c.learnerBsn);
    const contractsOf = (bsn: string) => contractsByLearner.get(bsn) ?? [];

    for (const d of school.declarations) {
      const key = declarationKey(kvk, d);
      const period = { from: d.periodStart, to: d.periodEnd };
      const base = { schoolKvk: kvk, subjectType: 'HOURS_DECLARATION' as const, subjectKey: key };
      if (!paidLearnerSchools.has(`${kvk}|${d.learnerBsn}`)) {
        raise({
          ...base,
          rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
          severity: withoutDuoContractSeverity(contractsOf(d.learnerBsn), period),
          why: 'no DUO payment names this learner and school',
        });
      }
      const attended = attendance.hours(d.learnerBsn, d.periodStart, d.periodEnd);
      if (d.hours > attended)
        raise({
          ...base,
          rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
          severity: defaultSeverity('DECLARED_HOURS_EXCEED_ATTENDANCE'),
          why: `declared ${d.hours} h, attended ${attended} h`,
        });
      const contracted = contractsOf(d.learnerBsn)
        .filter((c) => overlaps({ from: c.startDate, to: c.endDate }, period))
        .reduce((sum, c) => sum + c.hours, 0);
      if (d.hours > contracted)
        raise({
          ...base,
          rule: 'DECLARED_HOURS_EXCEED_CONTRACT',
          severity: defaultSeverity('DECLARED_HOURS_EXCEED_CONTRACT'),
          why: `declared ${d.hours} h, contracted ${contracted} h`,
        });
      if (invalidIn(period))
        raise({
          ...base,
          rule: 'DECLARATION_OUTSIDE_KEURMERK',
          severity: defaultSeverity('DECLARATION_OUTSIDE_KEURMERK'),
          why: 'the school held no valid keurmerk on some day of the period',
        });
      const below = componentsBelow(examResultsOf.get(d.learnerBsn) ?? [], examWindow(d.periodEnd));
      if (d.hours >= RESULTS_RULE.minimumHours && below >= RESULTS_RULE.minimumComponents)
        raise({
          ...base,
          rule: 'RESULTS_BELOW_REGISTERED_HOURS',
          severity: defaultSeverity('RESULTS_BELOW_REGISTERED_HOURS'),
          why: `declared ${d.hours} h; below ${RESULTS_RULE.expectedLevel} on ${below} components soon after`,
        });
    }

    const invoicesByContract = groupBy(school.invoices, (i) => i.contractReference);
    for (const contract of school.contracts) {
      const invoices = [...(invoicesByContract.get(contract.reference) ?? [])].sort(
        (a, b) =>
          a.invoiceDate.localeCompare(b.invoiceDate) || a.invoiceNumber.localeCompare(b.invoiceNumber),
      );
      let hours = 0;
      let cents = 0;
      for (const invoice of invoices) {
        hours += invoice.hours;
        cents += invoice.amountCents;
        if (hours > contract.hours || cents > contract.priceCents)
          raise({
            rule: 'INVOICE_EXCEEDS_CONTRACT',
            severity: defaultSeverity('INVOICE_EXCEEDS_CONTRACT'),
            schoolKvk: kvk,
            subjectType: 'INVOICE',
            subjectKey: invoiceKey(kvk, invoice.invoiceNumber),
            why: `invoiced ${hours} h / ${cents} cents on a contract of ${contract.hours} h / ${contract.priceCents} cents`,
          });
      }
    }
    for (const invoice of school.invoices) {
      const base = {
        schoolKvk: kvk,
        subjectType: 'INVOICE' as const,
        subjectKey: invoiceKey(kvk, invoice.invoiceNumber),
      };
      const attended = attendance.hours(invoice.learnerBsn, invoice.periodStart, invoice.periodEnd);
      if (invoice.hours > attended)
        raise({
          ...base,
          rule: 'INVOICED_HOURS_EXCEED_ATTENDANCE',
          severity: defaultSeverity('INVOICED_HOURS_EXCEED_ATTENDANCE'),
          why: `invoiced ${invoice.hours} h, attended ${attended} h`,
        });
      if (invalidIn({ from: invoice.periodStart, to: invoice.periodEnd }))
        raise({
          ...base,
          rule: 'INVOICE_OUTSIDE_KEURMERK',
          severity: defaultSeverity('INVOICE_OUTSIDE_KEURMERK'),
          why: 'the school held no valid keurmerk on some day of the invoice period',
        });
      const paid = paymentsByInvoice.get(invoiceKey(kvk, invoice.invoiceNumber)) ?? [];
      if (paid.some((p) => p.amountCents !== invoice.amountCents))
        raise({
          ...base,
          rule: 'INVOICE_AMOUNT_MISMATCH',
          severity: defaultSeverity('INVOICE_AMOUNT_MISMATCH'),
          why: `invoiced ${invoice.amountCents} cents, DUO paid another amount`,
        });
    }

    // Lessons: group size, teachers and learners in two places at once.
    const groups = new Map(school.groups.map((g) => [g.code, g]));
    for (const lesson of school.lessons) {
      const group = groups.get(lesson.groupCode);
      if (!group) throw new Error(`lesson names unknown group ${lesson.groupCode}`);
      const maximum = Math.min(group.maxSize ?? ROUTE_MAXIMA[group.route], ROUTE_MAXIMA[group.route]);
      if (lesson.attendeeBsns.length > maximum)
        raise({
          rule: 'GROUP_SIZE_EXCEEDED',
          severity: measureValid(school, 'GROUP_SIZE_LENIENCY', lesson.date)
            ? 'LOW'
            : defaultSeverity('GROUP_SIZE_EXCEEDED'),
          schoolKvk: kvk,
          subjectType: 'LESSON',
          subjectKey: lessonKey(kvk, lesson),
          why: `${lesson.attendeeBsns.length} attendees, maximum ${maximum}`,
        });
    }
    for (const [a, b] of overlappingPairs(school.lessons, (l) => [l.teacherReference])) {
      for (const lesson of [a, b])
        raise({
          rule: 'TEACHER_DOUBLE_BOOKED',
          severity: defaultSeverity('TEACHER_DOUBLE_BOOKED'),
          schoolKvk: kvk,
          subjectType: 'LESSON',
          subjectKey: lessonKey(kvk, lesson),
          why: `teacher ${lesson.teacherReference} teaches two overlapping lessons`,
        });
    }

    // Attendance on days no contract with this school covers.
    const uncovered = new Map<string, Day[]>();
    for (const lesson of school.lessons)
      for (const bsn of lesson.attendeeBsns) {
        const covered = contractsOf(bsn).some((c) => c.startDate <= lesson.date && lesson.date <= c.endDate);
        if (!covered) uncovered.set(bsn, [...(uncovered.get(bsn) ?? []), lesson.date]);
      }
    for (const [bsn, days] of uncovered) {
      const sorted = [...new Set(days)].sort();
      raise({
        rule: 'ATTENDANCE_WITHOUT_CONTRACT',
        severity: defaultSeverity('ATTENDANCE_WITHOUT_CONTRACT'),
        schoolKvk: kvk,
        subjectType: 'LEARNER',
        subjectKey: learnerKey(kvk, bsn),
        period: { from: sorted[0], to: sorted[sorted.length - 1] },
        periodMatch: 'contains',
        why: `attended on ${sorted.join(', ')} without a contract`,
      });
    }

    // The 80% norm per calendar year.
    const teachers = new Map(school.teachers.map((t) => [t.reference, t]));
    const years = new Map<string, { all: number; counting: number }>();
    for (const lesson of school.lessons) {
      const teacher = teachers.get(lesson.teacherReference);
      if (!teacher) throw new Error(`lesson names unknown teacher ${lesson.teacherReference}`);
      const day = lesson.date;
      const counts =
        (teacher.nt2Certified && (!teacher.certifiedSince || teacher.certifiedSince <= day)) ||
        (measureValid(school, 'TEACHERS_IN_TRAINING', day) &&
          !!teacher.nt2TrainingStartedOn &&
          teacher.nt2TrainingStartedOn <= day) ||
        (measureValid(school, 'EXPERIENCED_TEACHERS', day) &&
          (teacher.nt2ExperienceYears ?? 0) >= 3 &&
          EXPERIENCED_QUALIFICATIONS.includes(teacher.relatedQualification ?? ''));
      const year = years.get(day.slice(0, 4)) ?? { all: 0, counting: 0 };
      year.all += 1;
      if (counts) year.counting += 1;
      years.set(day.slice(0, 4), year);
    }
    for (const [year, { all, counting }] of years) {
      if (all < MINIMUM_LESSONS || counting / all >= NORM) continue;
      const period = { from: `${year}-01-01`, to: `${year}-12-31` };
      const deferred = school.measures.some(
        (m) => m.kind === 'DEFERRED_ENFORCEMENT' && overlaps({ from: m.validFrom, to: m.validTo }, period),
      );
      raise({
        rule: 'CERTIFIED_LESSON_SHARE_BELOW_NORM',
        severity: deferred ? 'LOW' : defaultSeverity('CERTIFIED_LESSON_SHARE_BELOW_NORM'),
        schoolKvk: kvk,
        subjectType: 'SCHOOL_YEAR',
        subjectKey: kvk,
        period,
        periodMatch: 'exact',
        why: `${counting} of ${all} lessons by counting teachers`,
      });
    }
  }

  // A learner in two places at once, at any schools.
  const attended = data.schools.flatMap((school) =>
    school.lessons.map((lesson) => ({ ...lesson, kvk: school.kvkNumber })),
  );
  const doubleBooked = new Set<string>();
  for (const [a, b] of overlappingPairs(attended, (l) => l.attendeeBsns))
    for (const lesson of [a, b]) {
      const key = lessonKey(lesson.kvk, lesson);
      if (doubleBooked.has(key)) continue;
      doubleBooked.add(key);
      raise({
        rule: 'LEARNER_DOUBLE_BOOKED',
        severity: defaultSeverity('LEARNER_DOUBLE_BOOKED'),
        schoolKvk: lesson.kvk,
        subjectType: 'LESSON',
        subjectKey: key,
        why: 'a learner attends two overlapping lessons',
      });
    }

  // DUO payments: unmatched invoice numbers, quarterly cap, loan limit.
  for (const payment of data.payments)
    if (!invoiceNumbers.has(invoiceKey(payment.schoolKvk, payment.invoiceNumber)))
      raise({
        rule: 'PAYMENT_WITHOUT_INVOICE',
        severity: defaultSeverity('PAYMENT_WITHOUT_INVOICE'),
        schoolKvk: data.schools.some((s) => s.kvkNumber === payment.schoolKvk) ? payment.schoolKvk : null,
        subjectType: 'DUO_PAYMENT',
        subjectKey: paymentKey(payment.schoolKvk, payment.invoiceNumber),
        why: 'DUO paid an invoice number the school never registered',
      });
  const perQuarter = new Map<string, number>();
  const perLearner = new Map<string, number>();
  for (const p of data.payments) {
    const q = quarterOf(p.paidOn);
    const key = `${p.bsn} ${q.from} ${q.to}`;
    perQuarter.set(key, (perQuarter.get(key) ?? 0) + p.amountCents);
    perLearner.set(p.bsn, (perLearner.get(p.bsn) ?? 0) + p.amountCents);
  }
  for (const [key, cents] of perQuarter) {
    if (cents <= QUARTERLY_CAP_CENTS) continue;
    const [bsn, from, to] = key.split(' ');
    raise({
      rule: 'QUARTERLY_CAP_EXCEEDED',
      severity: defaultSeverity('QUARTERLY_CAP_EXCEEDED'),
      schoolKvk: null,
      subjectType: 'LEARNER',
      subjectKey: learnerKey(null, bsn),
      period: { from, to },
      periodMatch: 'exact',
      why: `DUO paid ${cents} cents in ${from}..${to}`,
    });
  }
  const limits = new Map(data.loanAccounts.map((a) => [a.bsn, a.loanLimitCents]));
  for (const [bsn, cents] of perLearner) {
    const limit = limits.get(bsn);
    if (limit !== undefined && cents > limit)
      raise({
        rule: 'LOAN_LIMIT_EXCEEDED',
        severity: defaultSeverity('LOAN_LIMIT_EXCEEDED'),
        schoolKvk: null,
        subjectType: 'LEARNER',
        subjectKey: learnerKey(null, bsn),
        why: `DUO paid ${cents} cents on a loan limit of ${limit}`,
      });
  }

  // Presented declarations: a match is the registered one (evaluated above); any other is recorded for its school
  // (or its KvK alone) and judged by the two rules that apply to a presented paper.
  const schoolsByKvk = new Map(data.schools.map((s) => [s.kvkNumber, s]));
  for (const { learnerBsn, paper } of data.presented ?? []) {
    const { schoolKvk: kvk, ...declaration } = paper;
    const school = schoolsByKvk.get(kvk);
    if (school?.declarations.some((d) => samePaper(d, learnerBsn, declaration))) continue;
    const base = {
      schoolKvk: school ? kvk : null,
      subjectType: 'HOURS_DECLARATION' as const,
      subjectKey: declarationKey(kvk, { learnerBsn, ...declaration }),
    };
    raise({
      ...base,
      rule: 'PRESENTED_DECLARATION_NOT_REGISTERED',
      severity: defaultSeverity('PRESENTED_DECLARATION_NOT_REGISTERED'),
      why: school
        ? "presented, not in the school's register"
        : 'presented in the name of a KvK that is no school',
    });
    if (!paidLearnerSchools.has(`${kvk}|${learnerBsn}`))
      raise({
        ...base,
        rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
        severity: withoutDuoContractSeverity(
          (school?.contracts ?? []).filter((c) => c.learnerBsn === learnerBsn),
          { from: paper.periodStart, to: paper.periodEnd },
        ),
        why: 'presented; no DUO payment names this learner and school',
      });
  }
  return flags;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
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
function overlappingPairs<T extends LessonSpec>(lessons: T[], keysOf: (lesson: T) => string[]): [T, T][] {
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
