import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { IsDateOnly, IsKvkNumber, PageQuery } from '../common/http/validators';
import {
  KEURMERK_EVENT_STATUSES,
  KEURMERK_GROUNDS,
  KeurmerkEventStatus,
  KeurmerkGrounds,
  KeurmerkStatus,
  MEASURE_KINDS,
  MeasureKind,
} from './school.entity';

export class CreateSchoolDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  /** KvK number: 8 digits, unique. */
  @IsKvkNumber()
  kvkNumber: string;

  /** Blik op Werk registration number. */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  bowNumber?: string;
}

export class SchoolResponse {
  id: string;
  name: string;
  kvkNumber: string;
  bowNumber: string | null;
  /** The keurmerk status today (Europe/Amsterdam). */
  keurmerkStatus: KeurmerkStatus;
  /** The day the school ceased to exist (KvK deregistered); null while it exists. */
  closedOn: string | null;
}

export class UpdateSchoolDto {
  /** The day the school ceased to exist (KvK deregistered), or null when it was recorded in error. */
  @ValidateIf((dto: UpdateSchoolDto) => dto.closedOn !== null)
  @IsDateOnly()
  closedOn: string | null;
}

export class ListSchoolsQuery extends PageQuery {}

export class CreateKeurmerkEventDto {
  @IsIn(KEURMERK_EVENT_STATUSES)
  status: KeurmerkEventStatus;

  @IsDateOnly()
  effectiveFrom: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;

  /** SUSPENDED and WITHDRAWN only (422 on another status). */
  @IsOptional()
  @IsIn(KEURMERK_GROUNDS)
  grounds?: KeurmerkGrounds;
}

export class KeurmerkEventResponse {
  id: string;
  schoolId: string;
  status: KeurmerkEventStatus;
  effectiveFrom: string;
  reason: string;
  /** FRAUD, QUALITY or OWN_REQUEST for a suspension or withdrawal; null when not given. */
  grounds: KeurmerkGrounds | null;
  createdAt: Date;
}

export class CreateMeasureDto {
  @IsIn(MEASURE_KINDS)
  kind: MeasureKind;

  @IsDateOnly()
  validFrom: string;

  @IsDateOnly()
  validTo: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class MeasureResponse {
  id: string;
  schoolId: string;
  kind: MeasureKind;
  validFrom: string;
  validTo: string;
  note: string | null;
}

export class SchoolIdParam {
  @IsUUID()
  id: string;
}
