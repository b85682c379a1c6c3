import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { NotFoundProblem } from '../common/errors/problems';
import { CheckRunsService } from '../checks/check-runs.service';
import { ChecksEngine } from '../checks/checks-engine.service';
import { RuleSimulator } from '../checks/rule-simulator';
import { RULE_CODES, RuleCode } from './catalogue';
import { mergeParameters, validChange } from './rule-change';
import { Rule } from './rule.entity';
import { RuleResponse, RuleSimulationResponse, UpdatedRuleResponse, UpdateRuleDto } from './rules.dto';

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

/** The rule as it would read after the change. */
const changedRule = (rule: Rule, dto: UpdateRuleDto) => ({
  enabled: dto.enabled ?? rule.enabled,
  severity: dto.severity ?? rule.severity,
  parameters: mergeParameters(rule.parameters, dto.parameters ?? {}),
});

@Injectable()
export class RulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly engine: ChecksEngine,
    private readonly checkRuns: CheckRunsService,
    private readonly simulator: RuleSimulator,
  ) {}

  /**
   * What a change would do to the rule's flags on the data as it stands, in a read-only transaction: no flag,
   * no audit event and no rule change is written (so nothing to audit either).
   */
  async simulate(code: string, dto: UpdateRuleDto): Promise<RuleSimulationResponse> {
    const ruleCode = validChange(code, dto);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      await runner.query('SET LOCAL jit = off');
      const rule = await runner.manager.findOneByOrFail(Rule, { code });
      const proposed = changedRule(rule, dto);
      const outcome = await this.simulator.simulate(runner.manager, {
        code: ruleCode,
        subjectType: rule.subjectType,
        ...proposed,
      });
      return { rule: { ...toResponse(rule), ...proposed }, ...outcome };
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

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
    const ruleCode = validChange(code, dto);
    const { rule, changed } = await this.dataSource.transaction(async (manager) => {
      const rule = await manager.findOne(Rule, { where: { code }, lock: { mode: 'pessimistic_write' } });
      if (!rule) throw new NotFoundProblem('Rule');
      const before = toResponse(rule);
      const after = changedRule(rule, dto);
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
