import { IsOptional, IsUUID } from 'class-validator';
import { IsCents, IsDateOnly, IsHours } from '../common/http/validators';
import { MAX_SUBMITTED_CENTS, MAX_SUBMITTED_HOURS } from '../submissions/submission-bounds';
import { IsSchoolKey, LearnerRef, SchoolFilterQuery } from '../submissions/submissions.dto';

export class CreateInvoiceDto {
  /** A contract of the school. */
  @IsSchoolKey()
  contractReference: string;

  /** Unique per school. */
  @IsSchoolKey()
  invoiceNumber: string;

  /** On or after periodEnd: invoices are sent only afterwards. */
  @IsDateOnly()
  invoiceDate: string;

  /** The billed period lies within the contract. */
  @IsDateOnly()
  periodStart: string;

  @IsDateOnly()
  periodEnd: string;

  /** Invoiced hours: more than 0, at most 2000, 2 decimals. */
  @IsHours(MAX_SUBMITTED_HOURS)
  hours: number;

  /** Amount in euro cents: 1 to 5,000,000. */
  @IsCents(MAX_SUBMITTED_CENTS)
  amountCents: number;
}

export class ListInvoicesQuery extends SchoolFilterQuery {
  @IsOptional()
  @IsUUID()
  learnerId?: string;

  @IsOptional()
  @IsUUID()
  contractId?: string;

  @IsOptional()
  @IsSchoolKey()
  invoiceNumber?: string;
}

export class InvoiceResponse extends LearnerRef {
  id: string;
  schoolId: string;
  contractId: string;
  contractReference: string;
  invoiceNumber: string;
  invoiceDate: string;
  periodStart: string;
  periodEnd: string;
  hours: number;
  amountCents: number;
  createdAt: Date;
}
