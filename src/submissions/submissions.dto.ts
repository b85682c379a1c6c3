import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/http/validators';

/** `?schoolId=` narrows a collection for AUDITOR, DUO and ADMIN; a SCHOOL sees its own whatever it asks. */
export class SchoolFilterQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class RecordIdParam {
  @IsUUID()
  id: string;
}

/**
 * A school's own key for a record (group code, teacher or contract reference, invoice number):
 * 1 to 100 characters without surrounding blanks, so a CSV file's trimmed cell matches it.
 */
export function IsSchoolKey(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    IsNotEmpty(),
    MaxLength(100),
    Matches(/^\S(.*\S)?$/s, { message: ({ property }) => `${property} must not start or end with blanks` }),
  );
}

/** How a record names its learner: the id, the masked BSN, and the full BSN for role DUO only. */
export class LearnerRef {
  learnerId: string;
  bsnMasked: string;
  bsn?: string;
}
