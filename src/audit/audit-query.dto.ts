import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsInstant, PageQuery } from '../common/http/validators';
import { AUDIT_SUBJECT_TYPES, AuditSubjectType } from './audit-event.entity';

export class AuditQuery extends PageQuery {
  @IsOptional()
  @IsIn(AUDIT_SUBJECT_TYPES)
  subjectType?: AuditSubjectType;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  subjectId?: string;

  @IsOptional()
  @IsUUID()
  actorId?: string;

  /** Instant (ISO 8601 with offset): events at or after. */
  @IsOptional()
  @IsInstant()
  from?: string;

  /** Instant (ISO 8601 with offset): events at or before. */
  @IsOptional()
  @IsInstant()
  to?: string;
}
