import { IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsDateOnly } from '../common/http/validators';
import {
  INSPECTION_KINDS,
  INSPECTION_OUTCOMES,
  InspectionKind,
  InspectionOutcome,
} from './inspection.entity';

export class CreateInspectionDto {
  @IsIn(INSPECTION_KINDS)
  kind: InspectionKind;

  @IsDateOnly()
  visitedOn: string;

  @IsString()
  @Matches(/\S/, { message: 'findings must not be blank' })
  @MaxLength(10_000)
  findings: string;

  @IsIn(INSPECTION_OUTCOMES)
  outcome: InspectionOutcome;
}

export class InspectionSchoolParam {
  @IsUUID()
  id: string;
}

export class InspectionResponse {
  id: string;
  schoolId: string;
  kind: InspectionKind;
  visitedOn: string;
  findings: string;
  outcome: InspectionOutcome;
  createdBy: string | null;
  createdAt: Date;
}
