import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsDateOnly, PageQuery } from '../common/http/validators';
import { FLAG_STATUSES, FlagStatus, SEVERITIES, Severity, SUBJECT_TYPES, SubjectType } from './flag.entity';

export class ListFlagsQuery extends PageQuery {
  @IsOptional()
  @IsIn(FLAG_STATUSES)
  status?: FlagStatus;

  /** A rule code (DOMAIN.md rule catalogue). */
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,99}$/, { message: 'rule must be a rule code' })
  rule?: string;

  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsIn(SUBJECT_TYPES)
  subjectType?: SubjectType;

  @IsOptional()
  @IsUUID()
  subjectId?: string;

  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  /** Flags assigned to this reviewer. */
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  /** `false`: flags nobody has been assigned yet; `true`: assigned ones. */
  @IsOptional()
  @IsIn(['true', 'false'])
  assigned?: 'true' | 'false';

  /** Raised on or after this day (Europe/Amsterdam). */
  @IsOptional()
  @IsDateOnly()
  raisedFrom?: string;

  /** Raised on or before this day (Europe/Amsterdam). */
  @IsOptional()
  @IsDateOnly()
  raisedTo?: string;
}

export class FlagIdParam {
  @IsUUID()
  id: string;
}

export class AssignFlagDto {
  /** The reviewer to assign; default the caller. Only ADMIN may assign someone else. */
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
}

export const DECISION_OUTCOMES = ['CONFIRMED', 'DISMISSED'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export class DecideFlagDto {
  @IsIn(DECISION_OUTCOMES)
  outcome: DecisionOutcome;

  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @IsNotEmpty()
  @MaxLength(4000)
  reason: string;
}

export class FlagDecisionResponse {
  outcome: DecisionOutcome;
  reason: string;
  decidedBy: string;
  decidedAt: Date;
}

export class FlagResponse {
  id: string;
  rule: string;
  severity: Severity;
  status: FlagStatus;
  schoolId: string | null;
  subjectType: SubjectType;
  subjectId: string;
  period?: { from: string; to: string | null };
  explanation: string;
  /** The records and numbers that made the rule fire; for a SCHOOL only its own records (`redactedRecords` counts the rest). */
  evidence: Record<string, unknown>;
  raisedAt: Date;
  lastCheckedAt: Date;
  withdrawnAt: Date | null;
  assigneeId: string | null;
  decision?: FlagDecisionResponse;
}

export class FlagHistoryEntry {
  at: Date;
  action: string;
  actorId: string | null;
  checkRunId: string | null;
  details?: object | null;
}

export class FlagDetailResponse extends FlagResponse {
  history: FlagHistoryEntry[];
}
