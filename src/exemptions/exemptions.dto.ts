import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
  Validate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { IsBsn, IsDateOnly, IsKvkNumber, PageQuery } from '../common/http/validators';
import { DeclarationPurpose, DeclarationSource } from '../hours-declarations/hours-declaration.entity';
import { DeclarationFieldsDto } from '../hours-declarations/hours-declarations.dto';
import { EXEMPTION_GROUNDS, EXEMPTION_STATUSES, ExemptionGrounds, ExemptionStatus } from './exemption.entity';

/** An hours declaration as the learner presented it to DUO on paper (matched against the school's register). */
export class PresentedDeclarationDto extends DeclarationFieldsDto {
  /** The KvK number of the school named on the declaration (8 digits); it may be no registered school. */
  @IsKvkNumber()
  schoolKvk: string;
}

export const PRESENTED_MATCHES = ['REGISTERED', 'NOT_REGISTERED'] as const;
export type PresentedMatch = (typeof PRESENTED_MATCHES)[number];

/** A request rests on at least one declaration: given by id or presented. */
@ValidatorConstraint({ name: 'someDeclaration' })
class SomeDeclaration implements ValidatorConstraintInterface {
  validate(ids: unknown, args: ValidationArguments): boolean {
    const dto = args.object as CreateExemptionDto;
    return (Array.isArray(ids) ? ids.length : 0) + (dto.presentedDeclarations?.length ?? 0) > 0;
  }
  defaultMessage(): string {
    return 'at least one declaration is required, in declarationIds or presentedDeclarations';
  }
}

export class CreateExemptionDto {
  @IsBsn()
  learnerBsn: string;

  @IsIn(EXEMPTION_GROUNDS)
  grounds: ExemptionGrounds;

  /** The learner's hours declarations (urenverklaringen) in the register the request rests on; may be empty with presentedDeclarations. */
  @ValidateIf(
    (dto: CreateExemptionDto) => dto.declarationIds !== undefined || !dto.presentedDeclarations?.length,
  )
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  @Validate(SomeDeclaration)
  declarationIds?: string[];

  /** The declarations as the learner presented them; each is matched against its school's register. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PresentedDeclarationDto)
  presentedDeclarations?: PresentedDeclarationDto[];

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

/** A presented declaration as entered, with the declaration it became: the registered one, or the one recorded. */
export class PresentedDeclarationResponse extends PresentedDeclarationDto {
  declarationId: string;
  match: PresentedMatch;
}

export class ExemptionCreatedResponse {
  id: string;
  status: ExemptionStatus;
  /** The registered declarations (given by id or matched) and the presented ones recorded. */
  declarationIds: string[];
  /** Each presented declaration, in the order given, with the declaration it matched or became. */
  presentedDeclarations: PresentedDeclarationResponse[];
}

/** Where a declaration of the request stands (what decides the route of DOMAIN.md's step 3). */
export class ExemptionDeclarationView {
  id: string;
  schoolId: string | null;
  schoolKvk: string;
  source: DeclarationSource;
  /** How DUO entered it: presented and matched (REGISTERED) or not (NOT_REGISTERED); null when given by id. */
  presentedAs: PresentedMatch | null;
  purpose: DeclarationPurpose;
  periodStart: string;
  periodEnd: string;
  hours: number;
  issuedOn: string;
  status: string;
  /** A DUO contract overlapping the period, or a DUO payment, names the learner and the school. */
  knownAtDuo: boolean;
  /** The school is no registered school, or ceased to exist (closedOn before today). */
  schoolGone: boolean;
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
  /** The declarations the school is asked about: one request per school concerned. */
  declarationIds: string[];
  schoolId: string;
  status: string;
  dueOn: string;
  issued: boolean | null;
  note: string | null;
  respondedAt: Date | null;
}

export class ExemptionResponse extends ExemptionSummaryResponse {
  declarations: ExemptionDeclarationView[];
  confirmationRequests: ExemptionConfirmationRequestView[];
  timeline: TimelineEntryResponse[];
}
