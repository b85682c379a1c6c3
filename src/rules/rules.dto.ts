import { IsBoolean, IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { SimulationExample } from '../checks/rule-simulator';
import { SEVERITIES, Severity, SubjectType } from '../flags/flag.entity';

/** An unknown code is a 404 (the service's), not a 400. */
export class RuleCodeParam {
  @IsString()
  @MaxLength(100)
  code: string;
}

/** PATCH /rules/{code}: any of the three; parameters are merged into the current ones and checked per rule. */
export class UpdateRuleDto {
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;
}

export interface RuleResponse {
  code: string;
  description: string;
  subjectType: SubjectType;
  severity: Severity;
  defaultSeverity: Severity;
  enabled: boolean;
  parameters: Record<string, unknown>;
  updatedAt: Date;
}

export interface UpdatedRuleResponse extends RuleResponse {
  /** The check run that re-checks what the change affects (absent when nothing changed). */
  checkRunId: string | null;
}

/** POST /rules/{code}/simulations: the rule as the change would make it, and what that would do to its flags. */
export interface RuleSimulationResponse {
  rule: RuleResponse;
  wouldRaise: number;
  wouldWithdraw: number;
  wouldChangeSeverity: number;
  /** Flags the change leaves as they are (including decided ones, which the system never changes). */
  unchanged: number;
  /** At most 50, taken in turn from each kind of change. */
  examples: SimulationExample[];
}
