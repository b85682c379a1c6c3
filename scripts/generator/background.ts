/**
 * The strictly clean background of a generated data set: the shared state of one generation (World), a school
 * under construction with its timetable, attendance, contracts, quarterly invoices, DUO payments and honest
 * declarations (SchoolBuilder), and the data drawn over all schools at the end (loan accounts, background exam
 * results, the demo's exemption requests). Nothing here plants an irregularity: the plants are in rules/, one file
 * per rule of the catalogue.
 */
import {
  addDays,
  amsterdamInstant,
  Day,
  daysBetween,
  hoursBetween,
  maxDay,
  minDay,
  quartersBetween,
  weekday,
} from './calendar';
import { EXAM_COMPONENTS, ExamLevel } from '../../src/duo/exam-levels';
import {
  ContractSpec,
  declarationKey,
  DeclarationSpec,
  ExamResultSpec,
  ExemptionSpec,
  ExpectedFlag,
  Funding,
  GroupSpec,
  InvoiceSpec,
  LessonSpec,
  LoanAccountSpec,
  PaymentSpec,
  Route,
  SchoolSpec,
  TeacherSpec,
} from './dataset';
import { AttendanceIndex, examWindow, ROUTE_MAXIMA } from './oracle-support';
import { Random } from './random';

export const WINDOW = { from: '2023-01-02', to: '2024-12-31' };
const LESSONS_FROM = '2023-01-09';
const ISSUED_AFTER_THE_LETTER = '2023-08-01';
export const LESSONS_TO = '2024-12-20';
/** What a school charges per course hour (cents); keeps a full quarter under the DUO cap. */
export const RATE_CENTS = 1150;
/** Contracts buy the scheduled hours plus this margin, so a few extra lessons never exceed them. */
const CONTRACT_MARGIN_HOURS = 40;
const DEFAULT_LOAN_LIMIT_CENTS = 1_000_000;

interface Slot {
  days: number[];
  start: string;
  end: string;
}
/** Morning and afternoon are back to back (a teacher may teach both); evening is on other days. */
const SLOTS: Record<'morning' | 'afternoon' | 'evening', Slot> = {
  morning: { days: [1, 4], start: '09:00', end: '13:00' },
  afternoon: { days: [1, 4], start: '13:00', end: '17:00' },
  evening: { days: [2, 5], start: '18:00', end: '21:00' },
};
/** E-learning outside school: does not count towards hours. */
const REMOTE_SLOT: Slot = { days: [3], start: '19:00', end: '20:00' };

const isHoliday = (day: Day): boolean => {
  const md = day.slice(5);
  return md >= '12-22' || md <= '01-06' || (md >= '07-15' && md <= '08-25') || md === '04-27';
};

export interface Learner {
  bsn: string;
  funding: Funding;
  joinOn: Day;
  leaveOn: Day;
  attendance: number;
  /** Set once a plant uses the learner, so plants never share one. */
  planted: boolean;
  contractStart: Day;
  contractEnd: Day;
  contractHours?: number;
  loanLimitCents: number;
  noInvoiceAfterHours?: number;
}

export interface Group {
  spec: GroupSpec;
  slot: Slot;
  from: Day;
  to: Day;
  teacherOn: (day: Day) => string;
  learners: Learner[];
  remote?: boolean;
}

/** One school under construction. */
export class SchoolBuilder {
  readonly spec: SchoolSpec;
  readonly groups: Group[] = [];
  readonly intended: ExpectedFlag[] = [];
  readonly payments: PaymentSpec[] = [];
  /** DUO's exam results of this school's planted learners (the background ones are drawn for all schools at the end). */
  readonly examResults: ExamResultSpec[] = [];
  private invoiceSeq = 0;
  private attendanceCache: AttendanceIndex | undefined;

  constructor(
    readonly world: World,
    name: string,
    profile: string,
  ) {
    this.spec = {
      name,
      kvkNumber: world.kvk(),
      bowNumber: `BOW-${world.rng.int(10000, 99999)}`,
      profile,
      keurmerkEvents: [],
      measures: [],
      teachers: [],
      groups: [],
      lessons: [],
      contracts: [],
      invoices: [],
      declarations: [],
    };
  }

  get kvk(): string {
    return this.spec.kvkNumber;
  }

  get learners(): Learner[] {
    return this.groups.flatMap((g) => g.learners);
  }

  keurmerk(status: SchoolSpec['keurmerkEvents'][number]['status'], effectiveFrom: Day, reason: string): this {
    this.spec.keurmerkEvents.push({ status, effectiveFrom, reason });
    return this;
  }

  measure(kind: SchoolSpec['measures'][number]['kind'], validFrom: Day, validTo: Day, note: string): this {
    this.spec.measures.push({ kind, validFrom, validTo, note });
    return this;
  }

  teacher(overrides: Partial<TeacherSpec> = {}): string {
    const reference = `D${String(this.spec.teachers.length + 1).padStart(3, '0')}`;
    const rng = this.world.rng;
    this.spec.teachers.push({
      name: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
      reference,
      nt2Certified: true,
      certifiedSince: `${rng.int(2010, 2019)}-${String(rng.int(1, 12)).padStart(2, '0')}-01`,
      ...overrides,
    });
    return reference;
  }

  group(options: {
    route: Route;
    slot: keyof typeof SLOTS;
    teacherOn: (day: Day) => string;
    size?: number;
    maxSize?: number;
    from?: Day;
    to?: Day;
    remote?: boolean;
    contractStart?: Day;
    contractEnd?: Day;
  }): Group {
    const rng = this.world.rng;
    const code = `${options.route}-${options.slot.slice(0, 2).toUpperCase()}${this.groups.length + 1}`;
    const spec: GroupSpec = {
      code,
      route: options.route,
      ...(options.maxSize ? { maxSize: options.maxSize } : {}),
    };
    const from = options.from ?? LESSONS_FROM;
    const to = options.to ?? LESSONS_TO;
    const cap = Math.min(options.maxSize ?? ROUTE_MAXIMA[options.route], ROUTE_MAXIMA[options.route]);
    const size = Math.min(
      options.size ?? rng.int(options.route === 'ALFA' ? 7 : 8, options.route === 'ALFA' ? 10 : 12),
      cap,
    );
    const learners: Learner[] = [];
    for (let i = 0; i < size; i++) {
      const dropsOut = rng.chance(0.1);
      const roll = rng.next();
      learners.push({
        bsn: this.world.bsn(),
        funding: roll < 0.82 ? 'DUO_LOAN' : roll < 0.93 ? 'MUNICIPALITY' : 'SELF',
        joinOn: from,
        leaveOn: dropsOut ? addDays(from, rng.int(90, 500)) : to,
        attendance: 0.8 + rng.next() * 0.2,
        planted: false,
        contractStart: options.contractStart ?? addDays(from, -7),
        contractEnd: options.contractEnd ?? WINDOW.to,
        loanLimitCents: DEFAULT_LOAN_LIMIT_CENTS,
      });
    }
    const group: Group = {
      spec,
      slot: SLOTS[options.slot],
      from,
      to,
      teacherOn: options.teacherOn,
      learners,
      remote: options.remote,
    };
    this.groups.push(group);
    this.spec.groups.push(spec);
    return group;
  }

  /** The timetable: every slot day outside the holidays, with the learners who came. */
  scheduleLessons(): void {
    const rng = this.world.rng;
    for (const group of this.groups) {
      for (const day of daysBetween(group.from, group.to)) {
        if (isHoliday(day)) continue;
        for (const [slot, mode] of [
          [group.slot, 'IN_PERSON'],
          ...(group.remote ? [[REMOTE_SLOT, 'REMOTE']] : []),
        ] as [Slot, LessonSpec['mode']][]) {
          if (!slot.days.includes(weekday(day))) continue;
          const present = group.learners
            .filter((l) => l.joinOn <= day && day <= l.leaveOn && rng.chance(l.attendance))
            .map((l) => l.bsn);
          if (present.length === 0) continue;
          // Now and then a lesson is given online, at school (it counts like one in person).
          const actualMode =
            mode === 'IN_PERSON' && group.remote && rng.chance(0.1) ? 'ONLINE_AT_SCHOOL' : mode;
          this.addLesson({
            group,
            day,
            slot,
            teacher: group.teacherOn(day),
            attendees: present,
            mode: actualMode,
          });
        }
      }
    }
  }

  addLesson(options: {
    group: Group;
    day: Day;
    slot: Pick<Slot, 'start' | 'end'>;
    teacher: string;
    attendees: string[];
    mode?: LessonSpec['mode'];
    single?: boolean;
  }): LessonSpec {
    const lesson: LessonSpec = {
      groupCode: options.group.spec.code,
      teacherReference: options.teacher,
      startsAt: amsterdamInstant(options.day, options.slot.start),
      endsAt: amsterdamInstant(options.day, options.slot.end),
      mode: options.mode ?? 'IN_PERSON',
      attendeeBsns: options.attendees,
      date: options.day,
      hours: hoursBetween(options.slot.start, options.slot.end),
      ...(options.single ? { single: true } : {}),
    };
    this.spec.lessons.push(lesson);
    this.touchLessons();
    return lesson;
  }

  /** Call after changing a lesson's attendees. */
  touchLessons(): void {
    this.attendanceCache = undefined;
  }

  get attendance(): AttendanceIndex {
    return (this.attendanceCache ??= new AttendanceIndex(this.spec.lessons));
  }

  /** The group's lessons that count towards hours (all but REMOTE e-learning). */
  lessonsOf(group: Group): LessonSpec[] {
    return this.spec.lessons.filter((l) => l.groupCode === group.spec.code && l.mode !== 'REMOTE');
  }

  /** A learner no plant uses yet, with this funding (another learner's funding is changed when none has it). */
  take(
    group: Group,
    predicate: (l: Learner) => boolean = () => true,
    funding: Funding = 'DUO_LOAN',
  ): Learner {
    const free = group.learners.filter((l) => !l.planted && predicate(l));
    if (free.length === 0) throw new Error(`no free learner in ${this.kvk} ${group.spec.code}`);
    const funded = free.filter((l) => l.funding === funding);
    const learner = this.world.rng.pick(funded.length > 0 ? funded : free);
    learner.funding = funding;
    learner.planted = true;
    return learner;
  }

  expect(
    flag: Omit<ExpectedFlag, 'schoolKvk' | 'periodMatch'> &
      Partial<Pick<ExpectedFlag, 'schoolKvk' | 'periodMatch'>>,
  ): void {
    this.intended.push({ schoolKvk: this.kvk, periodMatch: 'none', ...flag });
  }

  /** Contracts, quarterly invoices (what was attended, within the contract) and DUO's payments of them. */
  deriveMoney(): void {
    const attendance = this.attendance;
    for (const group of this.groups) {
      const scheduled = this.lessonsOf(group).reduce((sum, l) => sum + l.hours, 0);
      for (const learner of group.learners) {
        const hours = learner.contractHours ?? scheduled + CONTRACT_MARGIN_HOURS;
        const contract: ContractSpec = {
          learnerBsn: learner.bsn,
          reference: `${group.spec.code}-${learner.bsn.slice(-4)}-${this.spec.contracts.length + 1}`,
          startDate: learner.contractStart,
          endDate: learner.contractEnd,
          hours,
          priceCents: hours * RATE_CENTS,
          funding: learner.funding,
        };
        this.spec.contracts.push(contract);
        if (learner.funding !== 'DUO_LOAN') continue;
        let remaining = hours;
        for (const quarter of quartersBetween(contract.startDate, contract.endDate)) {
          const periodStart = maxDay(quarter.from, contract.startDate);
          const periodEnd = minDay(quarter.to, contract.endDate);
          const invoiced = Math.min(attendance.hours(learner.bsn, periodStart, periodEnd), remaining);
          if (invoiced <= 0) continue;
          remaining -= invoiced;
          this.invoice(contract, { periodStart, periodEnd, hours: invoiced });
        }
      }
    }
  }

  invoice(
    contract: ContractSpec,
    options: { periodStart: Day; periodEnd: Day; hours: number; paidAmountCents?: number; paidOn?: Day },
  ): InvoiceSpec {
    const invoice: InvoiceSpec = {
      contractReference: contract.reference,
      learnerBsn: contract.learnerBsn,
      invoiceNumber: `F${options.periodEnd.slice(0, 4)}-${String(++this.invoiceSeq).padStart(5, '0')}`,
      invoiceDate: addDays(options.periodEnd, 10),
      periodStart: options.periodStart,
      periodEnd: options.periodEnd,
      hours: options.hours,
      amountCents: Math.round(options.hours * RATE_CENTS),
    };
    this.spec.invoices.push(invoice);
    this.payments.push({
      bsn: contract.learnerBsn,
      schoolKvk: this.kvk,
      contractReference: contract.reference,
      invoiceNumber: invoice.invoiceNumber,
      amountCents: options.paidAmountCents ?? invoice.amountCents,
      paidOn: options.paidOn ?? addDays(invoice.invoiceDate, 20),
    });
    return invoice;
  }

  contractOf(learner: Learner): ContractSpec {
    const contract = this.spec.contracts.find((c) => c.learnerBsn === learner.bsn);
    if (!contract) throw new Error(`no contract for a learner of ${this.kvk}`);
    return contract;
  }

  attended(bsn: string, from: Day, to: Day): number {
    return this.attendance.hours(bsn, from, to);
  }

  declare(learner: Learner, options: Partial<DeclarationSpec> = {}): DeclarationSpec {
    const contract = this.contractOf(learner);
    const periodStart = options.periodStart ?? contract.startDate;
    const periodEnd = options.periodEnd ?? minDay(contract.endDate, LESSONS_TO);
    const declaration: DeclarationSpec = {
      learnerBsn: learner.bsn,
      purpose: 'AGI',
      periodStart,
      periodEnd,
      hours: this.attended(learner.bsn, periodStart, periodEnd),
      // Two weeks after the period, and never in the window of the minister's count (letter-profile.ts), so the
      // letter's figures hold in the demo database that holds both (no rule reads issuedOn).
      issuedOn: maxDay(addDays(periodEnd, 14), ISSUED_AFTER_THE_LETTER),
      ...options,
    };
    this.spec.declarations.push(declaration);
    return declaration;
  }

  /** Honest declarations: AGI over the contract, or ONA once 64 hours were attended. */
  declareClean(share: number): void {
    const rng = this.world.rng;
    const paid = new Set(this.payments.map((p) => p.bsn));
    for (const learner of this.learners) {
      if (learner.planted || !paid.has(learner.bsn) || !rng.chance(share)) continue;
      if (rng.chance(0.3)) {
        const contract = this.contractOf(learner);
        const end = this.attendance.dayReaching(learner.bsn, contract.startDate, 64);
        if (end && end <= contract.endDate)
          this.declare(learner, { purpose: 'ONA', periodEnd: end, hours: 64 });
      } else {
        const declaration = this.declare(learner);
        if (declaration.hours <= 0) this.spec.declarations.pop();
      }
      learner.planted = true; // one declaration per learner keeps the keys unique
    }
  }
}

const FIRST_NAMES = [
  'Anouk',
  'Bram',
  'Fatima',
  'Joris',
  'Ingrid',
  'Youssef',
  'Marieke',
  'Pieter',
  'Sanne',
  'Ahmet',
  'Lotte',
  'Kees',
  'Noor',
  'Ruud',
  'Esra',
];
const LAST_NAMES = [
  'de Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'Dekker',
  'van Dijk',
];
const TOWNS = [
  'Utrecht',
  'Zwolle',
  'Tilburg',
  'Almere',
  'Arnhem',
  'Leiden',
  'Groningen',
  'Breda',
  'Enschede',
  'Haarlem',
  'Delft',
  'Venlo',
  'Assen',
  'Hoorn',
];
const KINDS = ['Taalschool', 'Taalcentrum', 'Taalinstituut', 'Inburgeringsschool', 'NT2 Academie'];

/** Shared state of one generation: the random stream and the unique identifiers handed out. */
export class World {
  readonly rng: Random;
  private readonly bsns = new Set<string>();
  private readonly kvks = new Set<string>();
  private readonly names = new Set<string>();

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  /** A fresh BSN passing the 11-proof. */
  bsn(): string {
    for (;;) {
      const digits = String(this.rng.int(10_000_000, 69_999_999));
      let sum = 0;
      for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
      const check = sum % 11;
      const bsn = `${digits}${check}`;
      if (check <= 9 && !this.bsns.has(bsn)) {
        this.bsns.add(bsn);
        return bsn;
      }
    }
  }

  kvk(): string {
    for (;;) {
      const kvk = String(this.rng.int(10_000_000, 99_999_999));
      if (!this.kvks.has(kvk)) {
        this.kvks.add(kvk);
        return kvk;
      }
    }
  }

  schoolName(): string {
    for (let i = 0; ; i++) {
      const name = `${this.rng.pick(KINDS)} ${this.rng.pick(TOWNS)}${i > 20 ? ` ${i}` : ''}`;
      if (!this.names.has(name)) {
        this.names.add(name);
        return name;
      }
    }
  }
}

/** A school profile: builds one school of a story, background and plants. */
export type Profile = (world: World) => SchoolBuilder;

/** One exam sitting: a result on each component (in EXAM_COMPONENTS order) on one day. */
export function examSitting(bsn: string, examDate: Day, levels: ExamLevel[]): ExamResultSpec[] {
  return EXAM_COMPONENTS.map((component, i) => ({ bsn, examDate, component, level: levels[i] }));
}

/**
 * Exam results of about half the learners with one declaration, within its window: mostly A2 or better,
 * sometimes below on one or two components, and now and then below on three at a first sitting but better on
 * one at a retake (the latest result counts): near misses of RESULTS_BELOW_REGISTERED_HOURS, never a flag.
 */
export function backgroundExamResults(world: World, schools: SchoolBuilder[]): ExamResultSpec[] {
  const rng = world.rng;
  const planted = new Set(schools.flatMap((s) => s.examResults.map((r) => r.bsn)));
  const declarations = schools.flatMap((s) => s.spec.declarations);
  const count = new Map<string, number>();
  for (const d of declarations) count.set(d.learnerBsn, (count.get(d.learnerBsn) ?? 0) + 1);
  const results: ExamResultSpec[] = [];
  for (const d of declarations) {
    if (count.get(d.learnerBsn) !== 1 || planted.has(d.learnerBsn) || !rng.chance(0.5)) continue;
    const first = addDays(examWindow(d.periodEnd).from, rng.int(14, 60));
    const levels: ExamLevel[] = EXAM_COMPONENTS.map(() => rng.pick(['A2', 'B1', 'B1', 'B2'] as const));
    const roll = rng.next();
    if (roll < 0.1) {
      results.push(...examSitting(d.learnerBsn, first, ['A1', 'BELOW_A1', 'A1', 'A2']));
      results.push({
        bsn: d.learnerBsn,
        examDate: addDays(first, rng.int(30, 90)),
        component: 'READING',
        level: 'A2',
      });
      continue;
    }
    if (roll < 0.4)
      for (const i of [rng.int(0, 3), rng.int(0, 3)]) levels[i] = rng.pick(['BELOW_A1', 'A1'] as const);
    results.push(...examSitting(d.learnerBsn, first, levels));
  }
  return results;
}

export function loanAccounts(world: World, schools: SchoolBuilder[]): LoanAccountSpec[] {
  return schools.flatMap((school) =>
    school.learners
      .filter((l) => l.funding === 'DUO_LOAN')
      .map((l) => {
        const cohortYear = world.rng.pick([2021, 2022, 2022, 2023]);
        return {
          bsn: l.bsn,
          loanLimitCents: l.loanLimitCents,
          cohortYear,
          termEndsOn: `${cohortYear + 3}-${world.rng.pick(['06-30', '10-01', '12-31'])}`,
          stillObliged: world.rng.chance(0.9),
        };
      }),
  );
}

/** The three exemption paths of the demo, each on declarations of the data set. */
export function exemptionRequests(schools: SchoolBuilder[]): ExemptionSpec[] {
  const [clean, suspended, , measures] = schools;
  const requests: ExemptionSpec[] = [];
  // The clean school's best-attending AGI declaration (at least 600 hours).
  const agi = clean.spec.declarations.filter((d) => d.purpose === 'AGI').sort((a, b) => b.hours - a.hours)[0];
  if (agi && agi.hours >= 600)
    requests.push({
      path: 'GRANTED',
      learnerBsn: agi.learnerBsn,
      grounds: 'AGI',
      examAttempts: 3,
      declarationKeys: [declarationKey(clean.kvk, agi)],
      story: `${agi.hours} course hours at a clean school, 3 exam attempts`,
    });
  const selfFunded = measures.spec.declarations.find((d) =>
    measures.spec.contracts.some((c) => c.learnerBsn === d.learnerBsn && c.funding === 'SELF'),
  );
  if (selfFunded)
    requests.push({
      path: 'REFUSED_SCHOOL_DENIES',
      learnerBsn: selfFunded.learnerBsn,
      grounds: 'AGI',
      examAttempts: 3,
      declarationKeys: [declarationKey(measures.kvk, selfFunded)],
      story: 'declaration without a contract at DUO; the school says it never issued it',
    });
  const municipal = suspended.spec.declarations.find((d) =>
    suspended.spec.contracts.some((c) => c.learnerBsn === d.learnerBsn && c.funding === 'MUNICIPALITY'),
  );
  if (municipal)
    requests.push({
      path: 'REFUSED_EVIDENCE_UNVERIFIED',
      learnerBsn: municipal.learnerBsn,
      grounds: 'AGI',
      examAttempts: 4,
      declarationKeys: [declarationKey(suspended.kvk, municipal)],
      story: 'declaration without a contract at DUO; the learner cannot show evidence',
    });
  return requests;
}
