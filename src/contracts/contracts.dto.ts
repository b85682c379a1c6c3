import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsBsn, IsCents, IsDateOnly, IsHours } from '../common/http/validators';
import { MAX_SUBMITTED_CENTS, MAX_SUBMITTED_HOURS } from '../submissions/submission-bounds';
import { IsSchoolKey, LearnerRef, SchoolFilterQuery } from '../submissions/submissions.dto';
import { FUNDINGS, Funding } from './contract.entity';

export class CreateContractDto {
  @IsBsn()
  learnerBsn: string;

  /** Unique per school. */
  @IsSchoolKey()
  reference: string;

  @IsDateOnly()
  startDate: string;

  /** On or after startDate. */
  @IsDateOnly()
  endDate: string;

  /** Contracted hours: more than 0, at most 2000, 2 decimals. */
  @IsHours(MAX_SUBMITTED_HOURS)
  hours: number;

  /** Price in euro cents: 1 to 5,000,000. */
  @IsCents(MAX_SUBMITTED_CENTS)
  priceCents: number;

  @IsIn(FUNDINGS)
  funding: Funding;
}

export class ListContractsQuery extends SchoolFilterQuery {
  @IsOptional()
  @IsUUID()
  learnerId?: string;

  @IsOptional()
  @IsSchoolKey()
  reference?: string;
}

export class ContractResponse extends LearnerRef {
  id: string;
  schoolId: string;
  reference: string;
  startDate: string;
  endDate: string;
  hours: number;
  priceCents: number;
  funding: Funding;
  createdAt: Date;
}
