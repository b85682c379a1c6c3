import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/http/validators';
import { DeclarationPurpose, DeclarationSource } from '../hours-declarations/hours-declaration.entity';
import { CONFIRMATION_REQUEST_STATUSES, ConfirmationRequestStatus } from './exemption.entity';

export class ListConfirmationRequestsQuery extends PageQuery {
  @IsOptional()
  @IsIn(CONFIRMATION_REQUEST_STATUSES)
  status?: ConfirmationRequestStatus;

  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class ConfirmationRequestIdParam {
  @IsUUID()
  id: string;
}

export class RespondToConfirmationRequestDto {
  /** Did the school issue these hours declarations? false refuses the exemption and records a forgery report for each. */
  @IsBoolean()
  issued: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

/** One declaration a school is asked about, as DUO has it (registered by the school, or presented by the learner). */
export class ConfirmationRequestDeclaration {
  id: string;
  source: DeclarationSource;
  learnerId: string;
  bsnMasked: string;
  purpose: DeclarationPurpose;
  periodStart: string;
  periodEnd: string;
  hours: number;
  issuedOn: string;
}

/** What a school needs to answer: the declarations in its name and the due date; nothing else of the exemption. */
export class ConfirmationRequestResponse {
  id: string;
  schoolId: string;
  declarationIds: string[];
  declarations: ConfirmationRequestDeclaration[];
  dueOn: string;
  status: ConfirmationRequestStatus;
  issued: boolean | null;
  note: string | null;
  respondedAt: Date | null;
  createdAt: Date;
  /** For DUO, AUDITOR and ADMIN only. */
  exemptionId?: string;
}
