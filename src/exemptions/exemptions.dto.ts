import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsBsn, IsDateOnly, PageQuery } from '../common/http/validators';
import { EXEMPTION_GROUNDS, EXEMPTION_STATUSES, ExemptionGrounds, ExemptionStatus } from './exemption.entity';

export class CreateExemptionDto {
  @IsBsn()
  learnerBsn: string;

  @IsIn(EXEMPTION_GROUNDS)
  grounds: ExemptionGrounds;

  /** The learner's hours declarations (urenverklaringen) the request rests on. */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  declarationIds: string[];

  /** Exam attempts the learner made: AGI needs 3, or 4 for requests filed before 2023-04-01. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  examAttempts?: number;

  /** The day the learner filed the request at DUO; default today. Not in the future. */
  @IsOptional()
  @IsDateOnly()
  requestedOn?: string;
}

export const EXEMPTION_ACTIONS = [
  'REQUEST_LEARNER_EVIDENCE',
  'RECORD_LEARNER_EVIDENCE',
  'ANNOUNCE_INTENDED_REFUSAL',
  'GRANT',
  'REFUSE',
] as const;
export type ExemptionAction = (typeof EXEMPTION_ACTIONS)[number];

export class ExemptionActionDto {
  @IsIn(EXEMPTION_ACTIONS)
  action: ExemptionAction;

  /** Required for ANNOUNCE_INTENDED_REFUSAL, GRANT and REFUSE. */
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @IsNotEmpty()
  @MaxLength(4000)
  reason?: string;

  /** RECORD_LEARNER_EVIDENCE only: whether DUO verified the learner's evidence. */
  @IsOptional()
  @IsBoolean()
  verified?: boolean;
}

export class ListExemptionsQuery extends PageQuery {
  @IsOptional()
  @IsIn(EXEMPTION_STATUSES)
  status?: ExemptionStatus;

  @IsOptional()
  @IsUUID()
  learnerId?: string;
}

export class ExemptionIdParam {
  @IsUUID()
  id: string;
}

export class ExemptionCreatedResponse {
  id: string;
  status: ExemptionStatus;
}

export class TimelineEntryResponse {
  at: Date;
  action: string;
  /** The user who took the step; null for steps the system took (deadlines, automatic refusal). */
  by: string | null;
  reason: string | null;
  statusAfter: ExemptionStatus;
  details: object | null;
}

export class ExemptionSummaryResponse {
  id: string;
  status: ExemptionStatus;
  grounds: ExemptionGrounds;
  learnerId: string;
  bsnMasked: string;
  /** DUO only. */
  bsn?: string;
  declarationIds: string[];
  /** Hours summed over the declarations. */
  totalHours: number;
  examAttempts: number | null;
  requestedOn: string;
  decision?: { reason: string; decidedBy: string | null; decidedAt: Date };
  createdAt: Date;
  updatedAt: Date;
}

export class ExemptionConfirmationRequestView {
  id: string;
  declarationId: string;
  schoolId: string;
  status: string;
  dueOn: string;
  issued: boolean | null;
  note: string | null;
  respondedAt: Date | null;
}

export class ExemptionResponse extends ExemptionSummaryResponse {
  confirmationRequests: ExemptionConfirmationRequestView[];
  timeline: TimelineEntryResponse[];
}
