import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { InvalidParam, NotFoundProblem, ValidationProblem } from '../common/errors/problems';
import { CheckRunsService } from '../checks/check-runs.service';
import { ChecksEngine } from '../checks/checks-engine.service';
import { RULE_CODES, RULE_PARAMETERS, RuleCode } from './rule-catalogue';
import { Rule } from './rule.entity';
import { RuleResponse, UpdatedRuleResponse, UpdateRuleDto } from './rules.dto';

const toResponse = (rule: Rule): RuleResponse => ({
  code: rule.code,
  description: rule.description,
  subjectType: rule.subjectType,
  severity: rule.severity,
  defaultSeverity: rule.defaultSeverity,
  enabled: rule.enabled,
  parameters: rule.parameters,
  updatedAt: rule.updatedAt,
});

/** Parameters that are objects (routeMaxima) are merged key by key; the rest replaced. */
function mergeParameters(
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const before = current[key];
    merged[key] = typeof before === 'object' && before !== null ? { ...before, ...(value as object) } : value;
  }
  return merged;
}

@Injectable()
export class RulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly engine: ChecksEngine,
    private readonly checkRuns: CheckRunsService,
  ) {}

  async list(): Promise<RuleResponse[]> {
    const rules = await this.dataSource.manager.find(Rule);
    const order = (code: string) => RULE_CODES.indexOf(code as RuleCode);
    return rules.sort((a, b) => order(a.code) - order(b.code)).map(toResponse);
  }

  /**
   * Changes a rule (audited with before and after). A disabled rule's live flags are withdrawn at once;
   * any other change starts a check run of everything, which applies the rule as it now reads.
   */
  async update(actor: Actor, code: string, dto: UpdateRuleDto): Promise<UpdatedRuleResponse> {
    if (!(RULE_CODES as readonly string[]).includes(code)) throw new NotFoundProblem('Rule');
    const ruleCode = code as RuleCode;
    const invalid: InvalidParam[] = Object.entries(dto.parameters ?? {}).flatMap(([key, value]) => {
      const type = RULE_PARAMETERS[ruleCode][key];
      if (!type) return [{ name: `parameters.${key}`, reason: `is not a parameter of ${code}` }];
      const reason = type.validate(value);
      return reason ? [{ name: `parameters.${key}`, reason: `${key} ${reason}` }] : [];
    });
    if (invalid.length > 0) throw new ValidationProblem(invalid);

    const { rule, changed } = await this.dataSource.transaction(async (manager) => {
      const rule = await manager.findOne(Rule, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!rule) throw new NotFoundProblem('Rule');
      const before = toResponse(rule);
      const after = {
        enabled: dto.enabled ?? rule.enabled,
        severity: dto.severity ?? rule.severity,
        parameters: mergeParameters(rule.parameters, dto.parameters ?? {}),
      };
      const changed = !isDeepStrictEqual(after, {
        enabled: rule.enabled,
        severity: rule.severity,
        parameters: rule.parameters,
      });
      if (!changed) return { rule, changed };
      await manager.query(
        `UPDATE rules SET enabled = $2, severity = $3, parameters = $4, updated_at = now() WHERE code = $1`,
        [code, after.enabled, after.severity, after.parameters],
      );
      const updated = await manager.findOneByOrFail(Rule, { code });
      await this.audit.record(manager, actor, {
        action: 'UPDATE',
        subjectType: 'RULE',
        subjectId: code,
        before,
        after: toResponse(updated),
      });
      if (rule.enabled && !updated.enabled) await this.engine.withdrawRule(manager, ruleCode);
      return { rule: updated, changed };
    });
    const run = changed && rule.enabled ? await this.checkRuns.start(actor, {}, 'RULE_CHANGE') : null;
    return { ...toResponse(rule), checkRunId: run?.id ?? null };
  }
}
