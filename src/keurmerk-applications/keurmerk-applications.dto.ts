import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsDateOnly, PageQuery } from '../common/http/validators';
import {
  APPLICATION_KINDS,
  APPLICATION_OUTCOMES,
  APPLICATION_STATUSES,
  ApplicationKind,
  ApplicationOutcome,
  ApplicationStatus,
} from './keurmerk-application.entity';

export class CreateKeurmerkApplicationDto {
  @IsUUID()
  schoolId: string;

  @IsIn(APPLICATION_KINDS)
  kind: ApplicationKind;

  @IsDateOnly()
  receivedOn: string;
}

export class DecideKeurmerkApplicationDto {
  @IsIn(APPLICATION_OUTCOMES)
  outcome: ApplicationOutcome;

  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @IsNotEmpty()
  @MaxLength(4000)
  reason: string;

  /** Default today (Europe/Amsterdam); not before receivedOn. */
  @IsOptional()
  @IsDateOnly()
  decidedOn?: string;

  /** GRANTED: the day the keurmerk event takes effect; default decidedOn. */
  @IsOptional()
  @IsDateOnly()
  effectiveFrom?: string;
}

export class ListKeurmerkApplicationsQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @IsOptional()
  @IsIn(APPLICATION_STATUSES)
  status?: ApplicationStatus;
}

export class KeurmerkApplicationIdParam {
  @IsUUID()
  id: string;
}

export class KeurmerkApplicationDecision {
  outcome: ApplicationOutcome;
  reason: string;
  decidedOn: string;
  /** GRANTED only: when the keurmerk event takes effect. */
  effectiveFrom: string | null;
  decidedBy: string | null;
  /** GRANTED only: the keurmerk event the grant wrote. */
  keurmerkEventId: string | null;
}

export class KeurmerkApplicationResponse {
  id: string;
  schoolId: string;
  kind: ApplicationKind;
  receivedOn: string;
  status: ApplicationStatus;
  /** null while RECEIVED. */
  decision: KeurmerkApplicationDecision | null;
  createdAt: Date;
}
