/**
 * Builds a plausible country of language schools from a seed: keurmerk histories, teachers, groups
 * with weekly timetables and realistic attendance (absences, drop-outs), contracts, quarterly
 * invoices, DUO loan accounts and payments, hours declarations and exemption requests. Into the
 * strictly clean background it plants each irregularity of the rule catalogue, minimal and isolated,
 * the way fraud looks, and records the flags each plant means to raise. The in-memory evaluation of
 * the rules (oracle.ts) must find exactly those flags, or generation fails.
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
  Dataset,
  declarationKey,
  DeclarationSpec,
  ExamResultSpec,
  ExemptionSpec,
  ExpectedFlag,
  flagIdentity,
  Funding,
  GroupSpec,
  invoiceKey,
  InvoiceSpec,
  learnerKey,
  LessonSpec,
  lessonKey,
  LoanAccountSpec,
  paymentKey,
  PaymentSpec,
  PresentedSpec,
  Route,
  Scale,
  SchoolSpec,
  TeacherSpec,
} from './dataset';
import {
  AttendanceIndex,
  evaluateRules,
  examWindow,
  keurmerkInvalidIn,
  RESULTS_RULE,
  ROUTE_MAXIMA,
} from './oracle';
import { Random } from './random';

export const WINDOW = { from: '2023-01-02', to: '2024-12-31' };
const LESSONS_FROM = '2023-01-09';
const ISSUED_AFTER_THE_LETTER = '2023-08-01';
const LESSONS_TO = '2024-12-20';
/** What a school charges per course hour (cents); keeps a full quarter under the DUO cap. */
const RATE_CENTS = 1150;
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

interface Learner {
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

interface Group {
  spec: GroupSpec;
  slot: Slot;
  from: Day;
  to: Day;
  teacherOn: (day: Day) => string;
  learners: Learner[];
  remote?: boolean;
}

/** One school under construction. */
class SchoolBuilder {
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

  /** A learner no plant uses yet, preferring the given funding. */
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
class World {
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

// --- school profiles ---------------------------------------------------------------------------

type Profile = (world: World) => SchoolBuilder;

/** Certified teachers only, granted for years, remote e-learning and online lessons: raises no flag. */
const cleanSchool =
  (extraGroups: number): Profile =>
  (world) => {
    const school = new SchoolBuilder(world, world.schoolName(), 'clean').keurmerk(
      'GRANTED',
      `${world.rng.int(2015, 2019)}-03-01`,
      'audit passed',
    );
    const morning = school.teacher();
    const evening = school.teacher();
    // One teacher teaches morning and afternoon back to back: not an overlap.
    const b1 = school.group({ route: 'B1', slot: 'morning', teacherOn: () => morning, remote: true });
    school.group({ route: 'Z', slot: 'afternoon', teacherOn: () => morning });
    school.group({ route: 'ALFA', slot: 'evening', teacherOn: () => evening });
    for (let i = 0; i < extraGroups; i++) {
      const teacher = school.teacher();
      school.group({
        route: world.rng.pick(['B1', 'Z', 'ONDERWIJS', 'WI2013'] as const),
        slot: world.rng.pick(['morning', 'afternoon', 'evening'] as const),
        teacherOn: () => teacher,
        size: 12,
      });
    }
    // A diligent learner who completes 600+ hours: the exemption granted in the demo.
    const diligent = school.take(b1);
    diligent.attendance = 1;
    diligent.leaveOn = LESSONS_TO;
    school.scheduleLessons();
    school.deriveMoney();
    school.declare(diligent);
    school.declareClean(0.35);
    return school;
  };

/** Suspended in the summer of 2022 and reinstated; kept teaching and invoicing while suspended. */
const suspendedSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'suspended and reinstated')
    .keurmerk('ASPIRANT', '2019-02-01', 'aspirant: first audit scheduled')
    .keurmerk('GRANTED', '2020-02-01', 'audit passed')
    .keurmerk('SUSPENDED', '2022-07-01', 'suspended: attendance records incomplete')
    .keurmerk('GRANTED', '2022-08-15', 'reinstated after follow-up audit');
  const teacher = school.teacher();
  const second = school.teacher();
  school.group({
    route: 'B1',
    slot: 'morning',
    teacherOn: () => teacher,
    from: '2022-04-04',
    to: '2022-12-15',
    size: 4,
    contractStart: '2022-04-01',
    contractEnd: '2022-12-31',
  });
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => teacher });
  school.group({ route: 'ONDERWIJS', slot: 'afternoon', teacherOn: () => second });
  school.group({ route: 'WI2013', slot: 'evening', teacherOn: () => second });
  for (const learner of school.groups[0].learners) {
    learner.funding = 'DUO_LOAN';
    learner.planted = true;
  }
  const municipal = school.take(school.groups[2], (l) => l.leaveOn >= LESSONS_TO, 'MUNICIPALITY');
  school.scheduleLessons();
  school.deriveMoney();

  // Invoices whose period meets the suspension (the 2022 cohort's third quarter).
  for (const invoice of school.spec.invoices)
    if (keurmerkInvalidIn(school.spec, { from: invoice.periodStart, to: invoice.periodEnd }))
      school.expect({
        rule: 'INVOICE_OUTSIDE_KEURMERK',
        severity: 'HIGH',
        subjectType: 'INVOICE',
        subjectKey: invoiceKey(school.kvk, invoice.invoiceNumber),
        why: 'invoice period meets the suspension',
      });

  // DUO paid more than invoiced.
  const mismatch = school.take(morning);
  const mismatched = school.spec.invoices.find(
    (i) => i.learnerBsn === mismatch.bsn && i.periodStart.startsWith('2023-07'),
  );
  const mismatchPayment = school.payments.find((p) => p.invoiceNumber === mismatched?.invoiceNumber);
  if (mismatched && mismatchPayment) {
    mismatchPayment.amountCents += 10 * RATE_CENTS;
    school.expect({
      rule: 'INVOICE_AMOUNT_MISMATCH',
      severity: 'MEDIUM',
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, mismatched.invoiceNumber),
      why: 'DUO paid 10 hours more',
    });
  }

  // DUO paid an invoice number the school never registered.
  const unbilled = school.take(morning);
  const ghost = `F2024-X${world.rng.int(100, 999)}`;
  school.payments.push({
    bsn: unbilled.bsn,
    schoolKvk: school.kvk,
    contractReference: school.contractOf(unbilled).reference,
    invoiceNumber: ghost,
    amountCents: 50 * RATE_CENTS,
    paidOn: '2024-05-15',
  });
  school.expect({
    rule: 'PAYMENT_WITHOUT_INVOICE',
    severity: 'HIGH',
    subjectType: 'DUO_PAYMENT',
    subjectKey: paymentKey(school.kvk, ghost),
    why: 'payment for an unknown invoice number',
  });

  // Three quarters' invoices paid in one quarter: over the EUR 2,000 cap.
  const capped = school.take(morning, (l) => l.leaveOn >= LESSONS_TO && l.attendance > 0.85);
  const late = school.payments.filter(
    (p) => p.bsn === capped.bsn && p.paidOn >= '2024-01-01' && p.paidOn <= '2024-09-30',
  );
  late.forEach((p, i) => (p.paidOn = `2024-07-${String(20 + i).padStart(2, '0')}`));
  school.expect({
    rule: 'QUARTERLY_CAP_EXCEEDED',
    severity: 'MEDIUM',
    schoolKvk: null,
    subjectType: 'LEARNER',
    subjectKey: learnerKey(null, capped.bsn),
    period: { from: '2024-07-01', to: '2024-09-30' },
    periodMatch: 'exact',
    why: 'three invoices paid in one quarter',
  });

  // A municipally funded learner's honest declaration: no contract known at DUO (the demo's evidence path), LOW as
  // DUO cannot know a municipal contract.
  const noDuo = school.declare(municipal);
  school.expect({
    rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
    severity: 'LOW',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, noDuo),
    why: 'municipal contract: DUO cannot know it',
  });

  // A loan course DUO does not know (it never paid the invoices): MEDIUM.
  const unpaid = school.take(morning, (l) => school.attended(l.bsn, WINDOW.from, WINDOW.to) > 0);
  for (let i = school.payments.length - 1; i >= 0; i--)
    if (school.payments[i].bsn === unpaid.bsn) school.payments.splice(i, 1);
  const loanNoDuo = school.declare(unpaid);
  school.expect({
    rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
    severity: 'MEDIUM',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, loanNoDuo),
    why: 'DUO_LOAN contract DUO never paid on: not known at DUO',
  });
  school.declareClean(0.3);
  return school;
};

/** Withdrawn on 2024-07-01: declares and invoices for days after the withdrawal. */
const withdrawnSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'withdrawn')
    .keurmerk('GRANTED', '2019-05-01', 'audit passed')
    .keurmerk('WITHDRAWN', '2024-07-01', 'withdrawn: lessons declared that were never given');
  const a = school.teacher();
  const b = school.teacher();
  const closes = { to: '2024-06-27', contractEnd: '2024-06-30' };
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => a, ...closes });
  school.group({ route: 'Z', slot: 'evening', teacherOn: () => b, ...closes });
  const afterwards = school.take(morning, (l) => l.leaveOn >= '2024-06-27');
  afterwards.contractEnd = WINDOW.to; // a contract signed before the withdrawal, running on
  school.scheduleLessons();
  school.deriveMoney();

  const late = school.take(morning);
  const declaration = school.declare(late, { periodEnd: '2024-09-30' });
  school.expect({
    rule: 'DECLARATION_OUTSIDE_KEURMERK',
    severity: 'HIGH',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, declaration),
    why: 'declares days after the withdrawal',
  });

  const invoice = school.invoice(school.contractOf(afterwards), {
    periodStart: '2024-07-01',
    periodEnd: '2024-09-30',
    hours: 40,
  });
  for (const rule of ['INVOICE_OUTSIDE_KEURMERK', 'INVOICED_HOURS_EXCEED_ATTENDANCE'] as const)
    school.expect({
      rule,
      severity: 'HIGH',
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, invoice.invoiceNumber),
      why: 'invoice for lessons after the withdrawal, never given',
    });
  school.declareClean(0.3);
  return school;
};

/** An aspirant using the teacher-shortage measures; one teacher in two places, an overfull group. */
const measuresSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'temporary measures')
    .keurmerk('ASPIRANT', '2022-06-01', 'aspirant keurmerk')
    .keurmerk('GRANTED', '2023-09-01', 'audit passed')
    .measure('TEACHERS_IN_TRAINING', '2023-01-01', '2024-12-31', 'two teachers in NT2 training')
    .measure('EXPERIENCED_TEACHERS', '2023-01-01', '2024-12-31', 'experienced Dutch teachers');
  const trainee = school.teacher({
    nt2Certified: false,
    certifiedSince: undefined,
    nt2TrainingStartedOn: '2022-09-01',
  });
  const experienced = school.teacher({
    nt2Certified: false,
    certifiedSince: undefined,
    nt2ExperienceYears: 6,
    relatedQualification: 'DUTCH',
  });
  const certified = school.teacher();
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => trainee });
  const afternoon = school.group({ route: 'Z', slot: 'afternoon', teacherOn: () => experienced });
  const evening = school.group({
    route: 'B1',
    slot: 'evening',
    teacherOn: () => certified,
    maxSize: 9,
    size: 8,
  });
  for (const learner of evening.learners) learner.leaveOn = LESSONS_TO; // a steady small group

  const selfFunded = school.take(afternoon, (l) => l.leaveOn >= LESSONS_TO, 'SELF');
  const overLimit = school.take(afternoon, (l) => l.leaveOn >= LESSONS_TO);
  overLimit.loanLimitCents = 300_000;
  const lateContract = school.take(evening);
  school.scheduleLessons();

  // The morning teacher also "teaches" afternoon learners at 10:00 on a day of a morning lesson.
  const busy = world.rng.pick(school.lessonsOf(morning).filter((l) => l.date >= '2024-01-01'));
  const extra = afternoon.learners
    .filter((l) => !l.planted && l.joinOn <= busy.date && busy.date <= l.leaveOn)
    .slice(0, 3)
    .map((l) => l.bsn);
  const doubled = school.addLesson({
    group: afternoon,
    day: busy.date,
    slot: { start: '10:00', end: '12:00' },
    teacher: trainee,
    attendees: extra,
    single: true,
  });
  for (const lesson of [busy, doubled])
    school.expect({
      rule: 'TEACHER_DOUBLE_BOOKED',
      severity: 'HIGH',
      subjectType: 'LESSON',
      subjectKey: lessonKey(school.kvk, lesson),
      why: 'one teacher in two places',
    });

  // The small evening group (own maximum 9) gets morning learners for one lesson.
  overfill(school, evening, [morning], 'MEDIUM');

  // Attendance after the contract ended: the contract ends one lesson day early.
  const days = school
    .lessonsOf(evening)
    .filter((l) => l.attendeeBsns.includes(lateContract.bsn))
    .map((l) => l.date);
  lateContract.contractEnd = days[days.length - 2];
  const uncovered = days[days.length - 1];

  school.deriveMoney();
  school.expect({
    rule: 'ATTENDANCE_WITHOUT_CONTRACT',
    severity: 'MEDIUM',
    subjectType: 'LEARNER',
    subjectKey: learnerKey(school.kvk, lateContract.bsn),
    period: { from: uncovered, to: uncovered },
    periodMatch: 'contains',
    why: 'attended after the contract ended',
  });
  school.expect({
    rule: 'LOAN_LIMIT_EXCEEDED',
    severity: 'HIGH',
    schoolKvk: null,
    subjectType: 'LEARNER',
    subjectKey: learnerKey(null, overLimit.bsn),
    why: 'payments above a loan limit of EUR 3,000',
  });

  const noDuo = school.declare(selfFunded);
  school.expect({
    rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
    severity: 'LOW',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, noDuo),
    why: 'self-paying learner: DUO cannot know the contract',
  });
  school.declareClean(0.3);
  return school;
};

/** Below the 80% norm in 2024, inflated declarations and invoices for lessons never given. */
const belowNormSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'below the 80% norm').keurmerk(
    'GRANTED',
    '2017-09-01',
    'audit passed',
  );
  const a = school.teacher();
  const b = school.teacher();
  const replaced = school.teacher();
  const uncertified = school.teacher({ nt2Certified: false, certifiedSince: undefined });
  const morning = school.group({ route: 'B1', slot: 'morning', teacherOn: () => a });
  const afternoon = school.group({
    route: 'Z',
    slot: 'afternoon',
    teacherOn: (day) => (day < '2024-01-01' ? replaced : uncertified),
  });
  const evening = school.group({ route: 'B1', slot: 'evening', teacherOn: () => b });
  const overContract = school.take(morning, (l) => l.leaveOn >= LESSONS_TO);
  overContract.contractHours = 150;
  const crossing = school.take(evening, (l) => l.leaveOn >= LESSONS_TO);
  crossing.contractHours = 200;
  const dropout = school.take(afternoon);
  dropout.leaveOn = minDay(dropout.leaveOn, '2024-03-15');
  school.scheduleLessons();
  school.deriveMoney();
  school.expect({
    rule: 'CERTIFIED_LESSON_SHARE_BELOW_NORM',
    severity: 'HIGH',
    subjectType: 'SCHOOL_YEAR',
    subjectKey: school.kvk,
    period: { from: '2024-01-01', to: '2024-12-31' },
    periodMatch: 'exact',
    why: 'an uncertified teacher took over a group in 2024',
  });

  const inflatedLearner = school.take(morning, (l) => l.leaveOn >= LESSONS_TO);
  const inflated = school.declare(inflatedLearner);
  inflated.hours += 24;
  school.expect({
    rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
    severity: 'HIGH',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, inflated),
    why: '24 hours more declared than attended',
  });

  const beyond = school.declare(overContract);
  beyond.hours = 200;
  school.expect({
    rule: 'DECLARED_HOURS_EXCEED_CONTRACT',
    severity: 'MEDIUM',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, beyond),
    why: '200 hours declared on a contract of 150',
  });

  // An invoice with 20 hours more than attended (paid in full).
  const padded = school.take(evening, (l) => l.leaveOn >= LESSONS_TO);
  const paddedInvoice = school.spec.invoices.find(
    (i) => i.learnerBsn === padded.bsn && i.periodStart.startsWith('2024-04'),
  );
  const paddedPayment = school.payments.find((p) => p.invoiceNumber === paddedInvoice?.invoiceNumber);
  if (paddedInvoice && paddedPayment) {
    paddedInvoice.hours += 20;
    paddedInvoice.amountCents += 20 * RATE_CENTS;
    paddedPayment.amountCents = paddedInvoice.amountCents;
    school.expect({
      rule: 'INVOICED_HOURS_EXCEED_ATTENDANCE',
      severity: 'HIGH',
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, paddedInvoice.invoiceNumber),
      why: '20 hours invoiced that were not attended',
    });
  }

  // The drop-out is invoiced for a quarter after leaving.
  const ghost = school.invoice(school.contractOf(dropout), {
    periodStart: '2024-07-01',
    periodEnd: '2024-09-30',
    hours: 30,
  });
  school.expect({
    rule: 'INVOICED_HOURS_EXCEED_ATTENDANCE',
    severity: 'HIGH',
    subjectType: 'INVOICE',
    subjectKey: invoiceKey(school.kvk, ghost.invoiceNumber),
    why: 'invoice for a learner who had dropped out',
  });

  // The contract of 200 hours is exhausted; the next quarter is invoiced anyway.
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
      rule: 'INVOICE_EXCEEDS_CONTRACT',
      severity: 'MEDIUM',
      subjectType: 'INVOICE',
      subjectKey: invoiceKey(school.kvk, crossed.invoiceNumber),
      why: 'invoices beyond the 200 contracted hours',
    });
  }

  // Just over minimumHours declared (the period ends on the day the attendance reached it), and six weeks
  // later the learner's exams are below A2 on three of the four components.
  const weak = school.take(morning, (l) => l.leaveOn >= LESSONS_TO);
  const from = school.contractOf(weak).startDate;
  const reached = school.attendance.dayReaching(weak.bsn, from, RESULTS_RULE.minimumHours);
  if (!reached) throw new Error(`no learner of ${school.kvk} reaches ${RESULTS_RULE.minimumHours} hours`);
  const weakDeclaration = school.declare(weak, { periodStart: from, periodEnd: reached });
  school.examResults.push(...examSitting(weak.bsn, addDays(reached, 45), ['A1', 'A1', 'BELOW_A1', 'A2']));
  school.expect({
    rule: 'RESULTS_BELOW_REGISTERED_HOURS',
    severity: 'MEDIUM',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: declarationKey(school.kvk, weakDeclaration),
    why: `${weakDeclaration.hours} hours declared, exams below A2 on three components six weeks later`,
  });
  school.declareClean(0.3);
  return school;
};

/** Deferred enforcement and group-size leniency; lists a phantom learner and a forged declaration. */
const deferredSchool: Profile = (world) => {
  const school = new SchoolBuilder(world, world.schoolName(), 'deferred enforcement')
    .keurmerk('GRANTED', '2016-01-15', 'audit passed')
    .measure('DEFERRED_ENFORCEMENT', '2024-01-01', '2024-12-31', 'staffing plan filed')
    .measure('GROUP_SIZE_LENIENCY', '2023-01-01', '2024-12-31', 'temporary larger groups');
  const a = school.teacher();
  const replaced = school.teacher();
  const uncertified = school.teacher({ nt2Certified: false, certifiedSince: undefined });
  const morning = school.group({ route: 'ALFA', slot: 'morning', teacherOn: () => a });
  const afternoon = school.group({
    route: 'B1',
    slot: 'afternoon',
    teacherOn: (day) => (day < '2024-01-01' ? replaced : uncertified),
  });
  school.scheduleLessons();
  overfill(school, morning, [afternoon], 'LOW');
  school.deriveMoney();
  school.expect({
    rule: 'CERTIFIED_LESSON_SHARE_BELOW_NORM',
    severity: 'LOW',
    subjectType: 'SCHOOL_YEAR',
    subjectKey: school.kvk,
    period: { from: '2024-01-01', to: '2024-12-31' },
    periodMatch: 'exact',
    why: 'below the norm in 2024, staffing plan filed',
  });

  // A declaration for someone who never set foot in the school.
  const stranger = world.bsn();
  const forged: DeclarationSpec = {
    learnerBsn: stranger,
    purpose: 'AGI',
    periodStart: '2023-09-01',
    periodEnd: '2024-08-31',
    hours: 180,
    issuedOn: '2024-09-10',
  };
  school.spec.declarations.push(forged);
  const key = declarationKey(school.kvk, forged);
  school.expect({
    rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
    severity: 'HIGH',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: key,
    why: 'no contract at DUO nor at the school',
  });
  school.expect({
    rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
    severity: 'HIGH',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: key,
    why: 'never attended',
  });
  school.expect({
    rule: 'DECLARED_HOURS_EXCEED_CONTRACT',
    severity: 'MEDIUM',
    subjectType: 'HOURS_DECLARATION',
    subjectKey: key,
    why: 'no contract',
  });
  school.declareClean(0.3);
  return school;
};

/** Adds learners of other groups (free at that time, under contract) to one lesson until it is overfull. */
function overfill(school: SchoolBuilder, group: Group, donors: Group[], severity: 'LOW' | 'MEDIUM'): void {
  const maximum = Math.min(
    group.spec.maxSize ?? ROUTE_MAXIMA[group.spec.route],
    ROUTE_MAXIMA[group.spec.route],
  );
  const candidates = school.lessonsOf(group).filter((l) => l.date >= '2023-09-01');
  const offset = school.world.rng.int(0, candidates.length - 1);
  for (const lesson of [...candidates.slice(offset), ...candidates.slice(0, offset)]) {
    const need = maximum + 1 - lesson.attendeeBsns.length;
    const free = donors
      .flatMap((d) => d.learners)
      .filter((l) => !l.planted && l.joinOn <= lesson.date && lesson.date <= l.leaveOn);
    if (free.length < need) continue;
    lesson.attendeeBsns = [...lesson.attendeeBsns, ...free.slice(0, need).map((l) => l.bsn)];
    school.touchLessons();
    school.expect({
      rule: 'GROUP_SIZE_EXCEEDED',
      severity,
      subjectType: 'LESSON',
      subjectKey: lessonKey(school.kvk, lesson),
      why: `${lesson.attendeeBsns.length} attendees, maximum ${maximum}`,
    });
    return;
  }
  throw new Error(`could not overfill ${group.spec.code}`);
}

/** A learner of one school also listed, at the same hour, in another school's lesson: a phantom. */
function plantPhantom(victim: SchoolBuilder, perpetrator: SchoolBuilder): void {
  const byStart = new Map(
    perpetrator.spec.lessons.filter((l) => l.mode === 'IN_PERSON').map((l) => [l.startsAt, l]),
  );
  const victimLessons = victim.spec.lessons.filter(
    (l) => l.mode === 'IN_PERSON' && l.date >= '2024-01-01' && byStart.has(l.startsAt),
  );
  for (const lesson of victimLessons) {
    const target = byStart.get(lesson.startsAt) as LessonSpec;
    const group = perpetrator.groups.find((g) => g.spec.code === target.groupCode) as Group;
    const maximum = Math.min(
      group.spec.maxSize ?? ROUTE_MAXIMA[group.spec.route],
      ROUTE_MAXIMA[group.spec.route],
    );
    if (target.attendeeBsns.length >= maximum || target.single) continue;
    const learner = victim.learners.find((l) => !l.planted && lesson.attendeeBsns.includes(l.bsn));
    if (!learner) continue;
    learner.planted = true;
    target.attendeeBsns = [...target.attendeeBsns, learner.bsn];
    perpetrator.touchLessons();
    for (const [school, l] of [
      [victim, lesson],
      [perpetrator, target],
    ] as const)
      school.expect({
        rule: 'LEARNER_DOUBLE_BOOKED',
        severity: 'HIGH',
        subjectType: 'LESSON',
        subjectKey: lessonKey(school.kvk, l),
        why: 'a learner listed at two schools at the same hour',
      });
    perpetrator.expect({
      rule: 'ATTENDANCE_WITHOUT_CONTRACT',
      severity: 'MEDIUM',
      subjectType: 'LEARNER',
      subjectKey: learnerKey(perpetrator.kvk, learner.bsn),
      period: { from: target.date, to: target.date },
      periodMatch: 'contains',
      why: 'phantom learner without a contract',
    });
    return;
  }
  throw new Error('no lesson found for the phantom learner');
}

/** One exam sitting: a result on each component (in EXAM_COMPONENTS order) on one day. */
function examSitting(bsn: string, examDate: Day, levels: ExamLevel[]): ExamResultSpec[] {
  return EXAM_COMPONENTS.map((component, i) => ({ bsn, examDate, component, level: levels[i] }));
}

/**
 * Exam results of about half the learners with one declaration, within its window: mostly A2 or better,
 * sometimes below on one or two components, and now and then below on three at a first sitting but better on
 * one at a retake (the latest result counts): near misses of RESULTS_BELOW_REGISTERED_HOURS, never a flag.
 */
function backgroundExamResults(world: World, schools: SchoolBuilder[]): ExamResultSpec[] {
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

function loanAccounts(world: World, schools: SchoolBuilder[]): LoanAccountSpec[] {
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
function exemptionRequests(schools: SchoolBuilder[]): ExemptionSpec[] {
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

/**
 * The stories of presented declarations (DOMAIN.md), each by a learner DUO registers an exemption request for:
 * a paper that matches the clean school's register (no flag), one a school never registered, one of a school that
 * closed (the withdrawn school, closed after the summer of 2024), one of a KvK that is no registered school.
 * Returns them with the flags they mean to raise.
 */
function presentedDeclarations(
  world: World,
  schools: SchoolBuilder[],
): { presented: PresentedSpec[]; intended: ExpectedFlag[] } {
  const [clean, suspended, withdrawn] = schools;
  withdrawn.spec.closedOn = '2024-10-31';
  const [, registered] = clean.spec.declarations;
  const { learnerBsn: matchedBsn, ...matched } = registered;
  const paper = (schoolKvk: string, over: Partial<PresentedSpec['paper']> = {}): PresentedSpec['paper'] => ({
    schoolKvk,
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-27',
    hours: 120,
    issuedOn: '2024-07-10',
    ...over,
  });
  const presented: PresentedSpec[] = [
    { story: 'MATCHED', learnerBsn: matchedBsn, paper: { ...matched, schoolKvk: clean.kvk } },
    { story: 'NOT_REGISTERED', learnerBsn: world.bsn(), paper: paper(suspended.kvk) },
    { story: 'CLOSED_SCHOOL', learnerBsn: world.bsn(), paper: paper(withdrawn.kvk, { hours: 150 }) },
    {
      story: 'UNKNOWN_KVK',
      learnerBsn: world.bsn(),
      paper: paper(world.kvk(), { purpose: 'ONA', periodEnd: '2024-04-30', hours: 64 }),
    },
  ];
  const intended = presented
    .filter((p) => p.story !== 'MATCHED')
    .flatMap(({ story, learnerBsn, paper: { schoolKvk, ...declaration } }) => {
      const flag = {
        schoolKvk: story === 'UNKNOWN_KVK' ? null : schoolKvk,
        subjectType: 'HOURS_DECLARATION' as const,
        subjectKey: declarationKey(schoolKvk, { learnerBsn, ...declaration }),
        periodMatch: 'none' as const,
      };
      return [
        {
          ...flag,
          rule: 'PRESENTED_DECLARATION_NOT_REGISTERED' as const,
          severity: 'HIGH' as const,
          why: story,
        },
        {
          ...flag,
          rule: 'DECLARATION_WITHOUT_DUO_CONTRACT' as const,
          severity: 'HIGH' as const,
          why: `${story}: no contract at DUO nor at the school`,
        },
      ];
    });
  return { presented, intended };
}

const SMALL_PROFILES: Profile[] = [
  cleanSchool(0),
  suspendedSchool,
  withdrawnSchool,
  measuresSchool,
  belowNormSchool,
  deferredSchool,
];

export interface GenerateOptions {
  scale: Scale;
  seed: number;
  /** National scale: how many schools (default 180). */
  schools?: number;
}

export function generateDataset(options: GenerateOptions): Dataset {
  const world = new World(options.seed);
  const profiles =
    options.scale === 'small' ? SMALL_PROFILES : nationalProfiles(world, options.schools ?? 180);
  const schools = profiles.map((profile) => profile(world));
  // Cross-school plants: each story school also lists a phantom learner of the next one.
  for (let i = 0; i < schools.length; i++) {
    if (schools[i].spec.profile !== 'deferred enforcement') continue;
    const victims = schools.filter((s) => s.spec.profile === 'suspended and reinstated');
    if (victims.length > 0) plantPhantom(victims[i % victims.length], schools[i]);
  }

  // Presented declarations go through POST /exemptions, which the bulk loader of the national scale does not use.
  const presented =
    options.scale === 'small' ? presentedDeclarations(world, schools) : { presented: [], intended: [] };

  const dataset: Dataset = {
    seed: options.seed,
    scale: options.scale,
    window: WINDOW,
    schools: schools.map((s) => s.spec),
    loanAccounts: loanAccounts(world, schools),
    payments: schools.flatMap((s) => s.payments),
    examResults: [...schools.flatMap((s) => s.examResults), ...backgroundExamResults(world, schools)],
    exemptions: options.scale === 'small' ? exemptionRequests(schools) : [],
    presented: presented.presented,
    expectedFlags: [],
  };
  dataset.expectedFlags = checkedTruth(
    [...schools.flatMap((s) => s.intended), ...presented.intended],
    evaluateRules(dataset),
  );
  return dataset;
}

/** Extra groups of a clean school at national scale: about a million lessons (two years) and ten million attendance rows over 180 schools. */
const NATIONAL_EXTRA_GROUPS = 40;

/** National scale: mostly clean schools, each story profile at a known rate. */
function nationalProfiles(world: World, count: number): Profile[] {
  const stories: [Profile, number][] = [
    [suspendedSchool, 0.06],
    [withdrawnSchool, 0.04],
    [measuresSchool, 0.1],
    [belowNormSchool, 0.06],
    [deferredSchool, 0.04],
  ];
  return Array.from({ length: count }, (_, i) => {
    if (i < SMALL_PROFILES.length) return SMALL_PROFILES[i];
    let roll = world.rng.next();
    for (const [profile, rate] of stories) {
      if (roll < rate) return profile;
      roll -= rate;
    }
    return cleanSchool(NATIONAL_EXTRA_GROUPS);
  });
}

/** The intended flags must be exactly the flags the data implies; anything else is a generator bug. */
function checkedTruth(intended: ExpectedFlag[], implied: ExpectedFlag[]): ExpectedFlag[] {
  const byIdentity = new Map(intended.map((f) => [flagIdentity(f), f]));
  const impliedIds = new Set(implied.map(flagIdentity));
  const problems: string[] = [];
  for (const flag of implied) {
    const plan = byIdentity.get(flagIdentity(flag));
    if (!plan) problems.push(`unplanned: ${flagIdentity(flag)} (${flag.why})`);
    else if (plan.severity !== flag.severity)
      problems.push(`severity ${plan.severity} planned, ${flag.severity} implied: ${flagIdentity(flag)}`);
    else if (
      plan.periodMatch === 'contains' &&
      plan.period &&
      flag.period &&
      (plan.period.from < flag.period.from || plan.period.to > flag.period.to)
    )
      problems.push(
        `period ${JSON.stringify(plan.period)} planned, ${JSON.stringify(flag.period)} implied: ${flagIdentity(flag)}`,
      );
  }
  for (const flag of intended)
    if (!impliedIds.has(flagIdentity(flag)))
      problems.push(`planted but not implied: ${flagIdentity(flag)} (${flag.why})`);
  if (problems.length > 0)
    throw new Error(`generated data and ground truth disagree:\n  ${problems.join('\n  ')}`);
  const impliedWhy = new Map(implied.map((f) => [flagIdentity(f), f.why]));
  return [...byIdentity.values()].map((flag) => ({
    ...flag,
    why: `${flag.why}; ${impliedWhy.get(flagIdentity(flag))}`,
  }));
}
