/**
 * The shape of a generated data set: what each school submits, what DUO imports, the exemption
 * requests DUO files, and the ground truth: every flag the data implies, by natural key.
 */
import type { ExamComponent, ExamLevel } from '../../src/duo/exam-levels';
import type { Severity, SubjectType } from '../../src/flags/flag.entity';
import { RULE_CODES, RuleCode } from '../../src/common/vocabulary';
import type { Day, Period } from './calendar';

export type Route = 'B1' | 'Z' | 'ALFA' | 'ONDERWIJS' | 'WI2013';
export type LessonMode = 'IN_PERSON' | 'ONLINE_AT_SCHOOL' | 'REMOTE';
export type Funding = 'DUO_LOAN' | 'SELF' | 'MUNICIPALITY';
export type KeurmerkStatus = 'ASPIRANT' | 'GRANTED' | 'SUSPENDED' | 'WITHDRAWN';
export type MeasureKind =
  'EXPERIENCED_TEACHERS' | 'TEACHERS_IN_TRAINING' | 'DEFERRED_ENFORCEMENT' | 'GROUP_SIZE_LENIENCY';

// The rule catalogue and the flag vocabulary are the app's own.
export { RULE_CODES };
export type { RuleCode, Severity, SubjectType };

export interface KeurmerkEventSpec {
  status: KeurmerkStatus;
  effectiveFrom: Day;
  reason: string;
}

export interface MeasureSpec {
  kind: MeasureKind;
  validFrom: Day;
  validTo: Day;
  note: string;
}

export interface TeacherSpec {
  name: string;
  reference: string;
  nt2Certified: boolean;
  certifiedSince?: Day;
  nt2ExperienceYears?: number;
  relatedQualification?: 'DUTCH' | 'MODERN_FOREIGN_LANGUAGE' | 'PABO' | 'OUTDATED_NT2';
  nt2TrainingStartedOn?: Day;
}

export interface GroupSpec {
  code: string;
  route: Route;
  maxSize?: number;
}

export interface LessonSpec {
  groupCode: string;
  teacherReference: string;
  /** ISO 8601 with the Europe/Amsterdam offset. */
  startsAt: string;
  endsAt: string;
  mode: LessonMode;
  attendeeBsns: string[];
  /** The lesson's date in Europe/Amsterdam and its hours (derived, kept for the truth and the loaders). */
  date: Day;
  hours: number;
  /** Submitted one by one through POST /lessons (planted irregularities) rather than in the CSV import. */
  single?: boolean;
}

export interface ContractSpec {
  learnerBsn: string;
  reference: string;
  startDate: Day;
  endDate: Day;
  hours: number;
  priceCents: number;
  funding: Funding;
}

export interface InvoiceSpec {
  contractReference: string;
  learnerBsn: string;
  invoiceNumber: string;
  invoiceDate: Day;
  periodStart: Day;
  periodEnd: Day;
  hours: number;
  amountCents: number;
}

export interface DeclarationSpec {
  learnerBsn: string;
  purpose: 'AGI' | 'ONA';
  periodStart: Day;
  periodEnd: Day;
  hours: number;
  issuedOn: Day;
}

export interface SchoolSpec {
  name: string;
  kvkNumber: string;
  bowNumber: string;
  /** What this school is in the story (clean, suspended and reinstated, withdrawn, ...). */
  profile: string;
  keurmerkEvents: KeurmerkEventSpec[];
  measures: MeasureSpec[];
  teachers: TeacherSpec[];
  groups: GroupSpec[];
  lessons: LessonSpec[];
  contracts: ContractSpec[];
  invoices: InvoiceSpec[];
  declarations: DeclarationSpec[];
  /** The school no longer exists (KvK deregistered) from the day after; recorded once everything is loaded. */
  closedOn?: Day;
}

/**
 * A declaration as a learner presented it to DUO on paper with an exemption request (DOMAIN.md "presented
 * declarations"), and its story: matched in the register, not in a (registered, open) school's register, of a
 * closed school, of a KvK that is no registered school.
 */
export interface PresentedSpec {
  story: 'MATCHED' | 'NOT_REGISTERED' | 'CLOSED_SCHOOL' | 'UNKNOWN_KVK';
  learnerBsn: string;
  paper: Omit<DeclarationSpec, 'learnerBsn'> & { schoolKvk: string };
}

export interface LoanAccountSpec {
  bsn: string;
  loanLimitCents: number;
  termEndsOn: Day;
  cohortYear: number;
  stillObliged: boolean;
}

export interface PaymentSpec {
  bsn: string;
  schoolKvk: string;
  contractReference: string;
  invoiceNumber: string;
  amountCents: number;
  paidOn: Day;
}

/** One of DUO's exam results: a learner's level on one component on one day. */
export interface ExamResultSpec {
  bsn: string;
  examDate: Day;
  component: ExamComponent;
  level: ExamLevel;
}

export type ExemptionPath = 'GRANTED' | 'REFUSED_SCHOOL_DENIES' | 'REFUSED_EVIDENCE_UNVERIFIED';

export interface ExemptionSpec {
  path: ExemptionPath;
  learnerBsn: string;
  grounds: 'AGI' | 'MEDICAL' | 'AVI';
  examAttempts: number;
  /** The declarations it rests on, by their natural key (see declarationKey). */
  declarationKeys: string[];
  story: string;
}

/** One flag the data implies. `subjectKey` is a natural key (see the key functions below). */
export interface ExpectedFlag {
  rule: RuleCode;
  severity: Severity;
  schoolKvk: string | null;
  subjectType: SubjectType;
  subjectKey: string;
  /** exact: the flag's period must equal it; contains: the flag's period must contain it; none: not compared. */
  period?: Period;
  periodMatch: 'exact' | 'contains' | 'none';
  why: string;
}

export interface Dataset {
  seed: number;
  scale: Scale;
  /** The day reports are asked for in the demo (ELIP) and the window of the data. */
  window: Period;
  schools: SchoolSpec[];
  loanAccounts: LoanAccountSpec[];
  payments: PaymentSpec[];
  examResults: ExamResultSpec[];
  exemptions: ExemptionSpec[];
  /** Presented to DUO, each with its own exemption request (loaded after the schools' declarations). */
  presented: PresentedSpec[];
  expectedFlags: ExpectedFlag[];
}

export type Scale = 'small' | 'national';

// --- natural keys: how the truth and the scorecard name a flag's subject --------------------

export const declarationKey = (
  kvk: string,
  d: Pick<DeclarationSpec, 'learnerBsn' | 'purpose' | 'periodStart' | 'periodEnd'>,
): string => `${kvk}|${d.learnerBsn}|${d.purpose}|${d.periodStart}|${d.periodEnd}`;
export const invoiceKey = (kvk: string, invoiceNumber: string): string => `${kvk}|${invoiceNumber}`;
export const paymentKey = (kvk: string, invoiceNumber: string): string => `${kvk}|${invoiceNumber}`;
export const lessonKey = (
  kvk: string,
  l: Pick<LessonSpec, 'groupCode' | 'teacherReference' | 'startsAt'>,
): string => `${kvk}|${l.groupCode}|${l.teacherReference}|${new Date(l.startsAt).toISOString()}`;
/** LEARNER flags of one school (ATTENDANCE_WITHOUT_CONTRACT) carry the school; cross-school ones do not. */
export const learnerKey = (kvk: string | null, bsn: string): string => (kvk ? `${kvk}|${bsn}` : bsn);

/** The identity of a flag for matching: rule, subject and, where it is part of the identity, period. */
export function flagIdentity(
  flag: Pick<ExpectedFlag, 'rule' | 'subjectType' | 'subjectKey' | 'period' | 'periodMatch'>,
): string {
  const period = flag.periodMatch === 'exact' && flag.period ? ` ${flag.period.from}..${flag.period.to}` : '';
  return `${flag.rule} ${flag.subjectType} ${flag.subjectKey}${period}`;
}
