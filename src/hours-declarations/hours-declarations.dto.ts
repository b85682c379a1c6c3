import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsBsn, IsDateOnly, IsHours } from '../common/http/validators';
import { MAX_SUBMITTED_HOURS } from '../submissions/submission-bounds';
import { LearnerRef, SchoolFilterQuery } from '../submissions/submissions.dto';
import {
  DECLARATION_PURPOSES,
  DeclarationPurpose,
  DeclarationSource,
  DeclarationStatus,
} from './hours-declaration.entity';

const STATUSES: DeclarationStatus[] = ['RECEIVED', 'CHECKED', 'FLAGGED', 'ACCEPTED', 'REJECTED'];

/** What an hours declaration (urenverklaring) states, as the school files it or the learner presents it. */
export class DeclarationFieldsDto {
  @IsIn(DECLARATION_PURPOSES)
  purpose: DeclarationPurpose;

  @IsDateOnly()
  periodStart: string;

  /** On or after periodStart. */
  @IsDateOnly()
  periodEnd: string;

  /** Declared hours: more than 0, at most 2000, 2 decimals. */
  @IsHours(MAX_SUBMITTED_HOURS)
  hours: number;

  @IsDateOnly()
  issuedOn: string;
}

export class CreateHoursDeclarationDto extends DeclarationFieldsDto {
  @IsBsn()
  learnerBsn: string;
}

export class ListHoursDeclarationsQuery extends SchoolFilterQuery {
  @IsOptional()
  @IsUUID()
  learnerId?: string;

  @IsOptional()
  @IsIn(STATUSES)
  status?: DeclarationStatus;

  @IsOptional()
  @IsIn(DECLARATION_PURPOSES)
  purpose?: DeclarationPurpose;
}

export class HoursDeclarationResponse extends LearnerRef {
  id: string;
  /** Null for a presented declaration whose KvK is no registered school. */
  schoolId: string | null;
  schoolKvk: string;
  /** SCHOOL: in the school's register; PRESENTED: presented to DUO by the learner and not found in the register. */
  source: DeclarationSource;
  purpose: DeclarationPurpose;
  periodStart: string;
  periodEnd: string;
  hours: number;
  issuedOn: string;
  status: DeclarationStatus;
  createdAt: Date;
}
