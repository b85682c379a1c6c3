import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsDateOnly, IsDecimal } from '../common/http/validators';
import { IsSchoolKey, SchoolFilterQuery } from '../submissions/submissions.dto';
import { RELATED_QUALIFICATIONS, RelatedQualification } from './teacher.entity';

export class CreateTeacherDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  /** Unique per school. */
  @IsSchoolKey()
  reference: string;

  @IsBoolean()
  nt2Certified: boolean;

  @IsOptional()
  @IsDateOnly()
  certifiedSince?: string;

  /** Years of NT2 teaching experience: 0 to 60, one decimal. */
  @IsOptional()
  @IsDecimal(1)
  @Min(0)
  @Max(60)
  nt2ExperienceYears?: number;

  @IsOptional()
  @IsIn(RELATED_QUALIFICATIONS)
  relatedQualification?: RelatedQualification;

  /** Start of the NT2 teacher training (for TEACHERS_IN_TRAINING). */
  @IsOptional()
  @IsDateOnly()
  nt2TrainingStartedOn?: string;
}

export class ListTeachersQuery extends SchoolFilterQuery {
  @IsOptional()
  @IsSchoolKey()
  reference?: string;
}

export class TeacherResponse {
  id: string;
  schoolId: string;
  name: string;
  reference: string;
  nt2Certified: boolean;
  certifiedSince: string | null;
  nt2ExperienceYears: number | null;
  relatedQualification: RelatedQualification | null;
  nt2TrainingStartedOn: string | null;
  createdAt: Date;
}
