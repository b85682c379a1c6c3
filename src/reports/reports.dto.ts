import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsDateOnly } from '../common/http/validators';

/** A period of days, both ends included (Europe/Amsterdam dates). */
export class PeriodQuery {
  @IsDateOnly()
  from: string;

  @IsDateOnly()
  to: string;
}

export const DECLARATION_BASES = ['received', 'issued'] as const;
export type DeclarationBasis = (typeof DECLARATION_BASES)[number];

export class DeclarationsReportQuery extends PeriodQuery {
  /** Count declarations by the day the portal received them (default) or by their issuedOn. */
  @IsOptional()
  @IsIn(DECLARATION_BASES)
  basis: DeclarationBasis = 'received';
}

export class ElipQuery {
  /** The reference day; default today (Europe/Amsterdam). */
  @IsOptional()
  @IsDateOnly()
  date?: string;
}

export class ReportSchoolParam {
  @IsUUID()
  id: string;
}

export class DeclarationsReport {
  from: string;
  to: string;
  /** Hours declarations (registered by schools, or presented to DUO) received, or issued, in the period. */
  submitted: number;
  /** Of those, the ones whose contract is not known at DUO (no DUO contract overlapping the period, nor a DUO payment, names the learner and school). */
  withoutDuoContract: number;
  /** Of those, the ones with a flag that is not WITHDRAWN or DISMISSED (open, in review or confirmed). */
  flagged: number;
  /** Of those, the ones REJECTED (by a refused exemption or the school denying it issued them). */
  refused: number;
  /** Forgery reports (aangiften van valsheid in geschrifte) recorded for those declarations. */
  forgeryReports: number;
}

export class ComplianceMonth {
  /** YYYY-MM. */
  month: string;
  lessons: number;
  /** Lessons taught by a counting teacher (certified on the date, or qualifying under a valid measure). */
  certifiedLessons: number;
  /** certifiedLessons / lessons, 4 decimals; null without lessons. */
  certifiedShare: number | null;
  lessonsOverMaxGroupSize: number;
  /** Open (OPEN or IN_REVIEW) flags of the school by rule, in the month of their period start (or of raising). */
  openFlags: Record<string, number>;
  openFlagsTotal: number;
}

export class ComplianceReport {
  schoolId: string;
  from: string;
  to: string;
  months: ComplianceMonth[];
}

export class ElipCohort {
  /** null: learners DUO's loan-account data gives no cohort. */
  cohortYear: number | null;
  learners: number;
  /** Of those, loan use of at least EUR 9,500. */
  loanUsedAtLeast9500: number;
  /** Of those, loan use of EUR 7,500 to 9,500 with under 12 months of term left. */
  termEndingWithin12Months: number;
}

export class ElipReport {
  date: string;
  cohorts: ElipCohort[];
  total: number;
}
