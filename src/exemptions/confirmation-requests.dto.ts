import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/http/validators';
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
  /** Did the school issue this hours declaration? false refuses the exemption and records a forgery report. */
  @IsBoolean()
  issued: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string;
}

/** What a school needs to answer: its declaration and the due date; nothing else of the exemption. */
export class ConfirmationRequestResponse {
  id: string;
  declarationId: string;
  schoolId: string;
  periodStart: string;
  periodEnd: string;
  hours: number;
  issuedOn: string;
  dueOn: string;
  status: ConfirmationRequestStatus;
  issued: boolean | null;
  note: string | null;
  respondedAt: Date | null;
  createdAt: Date;
  /** For DUO, AUDITOR and ADMIN only. */
  exemptionId?: string;
}
