import { IsOptional, IsUUID } from 'class-validator';

export class StartCheckRunDto {
  /** Re-check one school; without it, everything. */
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class CheckRunIdParam {
  @IsUUID()
  id: string;
}

export type CheckRunStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

export interface CheckRunResponse {
  id: string;
  schoolId: string | null;
  trigger: 'MANUAL' | 'NIGHTLY' | 'RULE_CHANGE';
  status: CheckRunStatus;
  progress: number;
  flagsRaised: number;
  flagsWithdrawn: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}
