import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
} from 'class-validator';
import { IsDateOnly, IsInstant } from '../common/http/validators';
import { IsSchoolKey, SchoolFilterQuery } from '../submissions/submissions.dto';
import { LearnerRef } from '../submissions/submissions.dto';
import { LESSON_MODES, LessonMode } from './lesson.entity';

/** Most attendees one lesson may list (group maxima are 16 at most; bigger lessons get flagged, not refused). */
export const MAX_ATTENDEES = 100;

export class CreateLessonDto {
  /** A group of the school. */
  @IsSchoolKey()
  groupCode: string;

  /** A teacher of the school. */
  @IsSchoolKey()
  teacherReference: string;

  @IsInstant()
  startsAt: string;

  /** After startsAt, at most 8 hours later. */
  @IsInstant()
  endsAt: string;

  @IsOptional()
  @IsIn(LESSON_MODES)
  mode?: LessonMode;

  /** Distinct BSNs (each must pass the 11-proof), 1 to 100. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ATTENDEES)
  @IsString({ each: true })
  @ArrayUnique({ message: 'attendeeBsns must be distinct' })
  attendeeBsns: string[];
}

export class ListLessonsQuery extends SchoolFilterQuery {
  @IsOptional()
  @IsUUID()
  groupId?: string;

  @IsOptional()
  @IsUUID()
  teacherId?: string;

  /** Lessons this learner attended. */
  @IsOptional()
  @IsUUID()
  learnerId?: string;

  /** Lesson dates from (inclusive). */
  @IsOptional()
  @IsDateOnly()
  from?: string;

  /** Lesson dates to (inclusive). */
  @IsOptional()
  @IsDateOnly()
  to?: string;

  @IsOptional()
  @IsUUID()
  importId?: string;
}

export class LessonResponse {
  id: string;
  schoolId: string;
  groupId: string;
  groupCode: string;
  teacherId: string;
  teacherReference: string;
  startsAt: Date;
  endsAt: Date;
  mode: LessonMode;
  /** The lesson's date in Europe/Amsterdam. */
  lessonDate: string;
  /** Its duration. */
  hours: number;
  importId: string | null;
  attendees: LearnerRef[];
}
