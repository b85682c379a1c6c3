import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { IsDateOnly, IsText, PageQuery } from '../common/http/validators';
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

  /** `OPEN`: flags whose hearing awaits the school's answer (asked, unanswered, not yet due, flag still in review). */
  @IsOptional()
  @IsIn(['OPEN'])
  @ApiPropertyOptional({ enum: ['OPEN'] }) // a one-literal type, which the plugin's metadata renders as a string
  hearing?: 'OPEN';
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

  @IsText(4000)
  reason: string;
}

/** Four eyes: a second reviewer's verdict on a proposed confirmation. */
export class DecisionApprovalDto {
  @IsBoolean()
  approved: boolean;

  @IsOptional()
  @IsText(4000)
  reason?: string;
}

/** Hoor en wederhoor: the question the school is asked to answer by `dueOn`. */
export class RequestHearingDto {
  /** The last day the school may answer (today or later, Europe/Amsterdam). */
  @IsDateOnly()
  dueOn: string;

  @IsText(4000)
  question: string;
}

/** The school's view (zienswijze). */
export class HearingResponseDto {
  @IsText(10_000)
  statement: string;
}

export class FlagDecisionResponse {
  outcome: DecisionOutcome;
  reason: string;
  decidedBy: string;
  decidedAt: Date;
  /** Four eyes: who approved the decision (HIGH flags confirmed), null otherwise. */
  approvedBy: string | null;
  approvedAt: Date | null;
}

export class PendingDecisionResponse {
  outcome: 'CONFIRMED';
  reason: string;
  proposedBy: string;
  proposedAt: Date;
}

export class HearingResponse {
  question: string;
  requestedAt: Date;
  dueOn: string;
  statement: string | null;
  respondedAt: Date | null;
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
  /** A confirmation awaiting a second reviewer's approval (four eyes); absent when none. */
  pendingDecision?: PendingDecisionResponse;
  /** The school's hearing on this flag; null when none was asked. */
  hearing: HearingResponse | null;
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

/** One step of a flag's case, oldest first. `by` is the user who took it (null for the system or, to a school, another organisation's user). */
export class FlagTimelineEntry {
  at: Date;
  action: string;
  by: string | null;
  details: Record<string, unknown> | null;
}
