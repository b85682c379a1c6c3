import { IsOptional, IsUUID } from 'class-validator';
import { IsBsn, PageQuery } from '../common/http/validators';

export class ListLearnersQuery extends PageQuery {
  @IsOptional()
  @IsBsn()
  bsn?: string;
}

export class LearnerIdParam {
  @IsUUID()
  id: string;
}

/** How a record shows its learner: masked for all, the full BSN for DUO only. */
export class LearnerBsnView {
  bsnMasked: string;
  /** Only for role DUO. */
  bsn?: string;
}

export class LearnerResponse extends LearnerBsnView {
  id: string;
  cohortYear: number | null;
  loanLimitCents: number | null;
  termEndsOn: string | null;
  stillObliged: boolean | null;
}
