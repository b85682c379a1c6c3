import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FlowProducer } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, isSystemActor } from '../common/auth/actor';
import { NotFoundProblem, RuleViolationProblem } from '../common/errors/problems';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { defaultJobOptions, JobContext, JobName, queueOfJob } from '../queue/job-catalogue';
import { redisOptions } from '../queue/redis';
import { CROSS_SCHOOL_RULES, RULE_CODES } from '../rules/rule-catalogue';
import { CheckRunResponse } from './check-runs.dto';
import { CheckOutcome, ChecksEngine } from './checks-engine.service';
import { NO_SCHOOL } from './rule-queries';

type Trigger = CheckRunResponse['trigger'];
const CROSS_SCHOOL_UNIT = 'cross-school';
const SCHOOL_RULES = RULE_CODES.filter((code) => !CROSS_SCHOOL_RULES.includes(code));

/**
 * Check runs: a BullMQ flow with one child per group of schools (their subjects, every rule but the
 * cross-school ones; CHECK_RUN_SCHOOLS_PER_UNIT schools, so more workers finish sooner while each unit's
 * fixed cost is paid once per group) plus one for the learner rules across schools; the parent closes the
 * run. Job ids are deterministic (`check-run-<id>-schools-<n>`), every unit is idempotent (flags are upserted
 * on their natural key) and counted once (check_run_units), so a worker killed mid-run resumes to exactly
 * the flags of an undisturbed run.
 */
@Injectable()
export class CheckRunsService implements OnModuleDestroy {
  private readonly logger = new Logger(CheckRunsService.name);
  private flows?: FlowProducer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engine: ChecksEngine,
  ) {}

  async start(actor: Actor, { schoolId }: { schoolId?: string }, trigger: Trigger): Promise<{ id: string }> {
    const { id, schoolIds } = await this.dataSource.transaction(async (manager) => {
      if (schoolId) {
        const [school] = await manager.query(`SELECT id FROM schools WHERE id = $1`, [schoolId]);
        if (!school) throw new RuleViolationProblem('schoolId names no school.', 'schoolId');
      }
      const schools: { id: string }[] = await manager.query(
        `SELECT id FROM schools WHERE $1::uuid IS NULL OR id = $1 ORDER BY id`,
        [schoolId ?? null],
      );
      const [run] = await manager.query(
        `INSERT INTO check_runs (school_id, trigger, units_total, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
        [
          schoolId ?? null,
          trigger,
          Math.ceil(schools.length / this.config.checkRunSchoolsPerUnit) + 1,
          isSystemActor(actor) ? null : actor.id,
        ],
      );
      return { id: run.id as string, schoolIds: schools.map((s) => s.id) };
    });
    const perUnit = this.config.checkRunSchoolsPerUnit;
    const groups = Array.from({ length: Math.ceil(schoolIds.length / perUnit) }, (_, n) =>
      schoolIds.slice(n * perUnit, (n + 1) * perUnit),
    );
    const queueName = queueOfJob[JobName.CheckRunUnit];
    const child = (unit: string, unitSchoolIds: string[]) => ({
      name: JobName.CheckRunUnit,
      queueName,
      data: { checkRunId: id, unit, schoolIds: unitSchoolIds },
      opts: {
        ...defaultJobOptions,
        jobId: `check-run-${id}-${unit}`,
        failParentOnFailure: true,
      },
    });
    await this.flowProducer().add({
      name: JobName.FinishCheckRun,
      queueName: queueOfJob[JobName.FinishCheckRun],
      data: { checkRunId: id },
      opts: { ...defaultJobOptions, jobId: `check-run-${id}` },
      children: [...groups.map((group, n) => child(`schools-${n}`, group)), child(CROSS_SCHOOL_UNIT, [])],
    });
    return { id };
  }

  async get(id: string): Promise<CheckRunResponse> {
    const [run] = await this.dataSource.query(
      `SELECT id, school_id AS "schoolId", trigger, status,
              CASE WHEN status = 'DONE' THEN 1 ELSE round(units_done::numeric / greatest(units_total, 1), 3) END::float AS progress,
              flags_raised AS "flagsRaised", flags_withdrawn AS "flagsWithdrawn", started_at AS "startedAt", finished_at AS "finishedAt"
       FROM check_runs WHERE id = $1`,
      [id],
    );
    if (!run) throw new NotFoundProblem('Check run');
    return run;
  }

  /** One unit, in one transaction with its count; a unit already counted (a retried job) does nothing. */
  async runUnit(
    checkRunId: string,
    unit: string,
    schoolIds: string[],
    context: JobContext,
  ): Promise<CheckOutcome | null> {
    await this.dataSource.query(
      `UPDATE check_runs SET status = 'RUNNING', started_at = coalesce(started_at, now()) WHERE id = $1 AND status = 'QUEUED'`,
      [checkRunId],
    );
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [done] = await manager.query(
          `SELECT 1 FROM check_run_units WHERE check_run_id = $1 AND unit = $2`,
          [checkRunId, unit],
        );
        if (done) return null;
        const outcome = await this.checkUnit(manager, checkRunId, unit, schoolIds);
        const [counted] = await manager.query(
          `INSERT INTO check_run_units (check_run_id, unit, flags_raised, flags_withdrawn) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [checkRunId, unit, outcome.flagsRaised, outcome.flagsWithdrawn],
        );
        if (counted) {
          await manager.query(
            `UPDATE check_runs SET units_done = units_done + 1, flags_raised = flags_raised + $2, flags_withdrawn = flags_withdrawn + $3
             WHERE id = $1`,
            [checkRunId, outcome.flagsRaised, outcome.flagsWithdrawn],
          );
        }
        return outcome;
      });
    } catch (error) {
      if (context.attemptsMade + 1 >= defaultJobOptions.attempts) {
        this.logger.error(`check run ${checkRunId} failed in unit ${unit}`);
        await this.dataSource.query(
          `UPDATE check_runs SET status = 'FAILED', finished_at = now() WHERE id = $1`,
          [checkRunId],
        );
      }
      throw error;
    }
  }

  private async checkUnit(
    manager: EntityManager,
    checkRunId: string,
    unit: string,
    schoolIds: string[],
  ): Promise<CheckOutcome> {
    if (unit !== CROSS_SCHOOL_UNIT) {
      const outcome = await this.engine.check(
        manager,
        { schoolIds, learnerIds: [] },
        { rules: SCHOOL_RULES, checkRunId },
      );
      await this.engine.recordSweeps(manager, schoolIds);
      return outcome;
    }
    const [run] = await manager.query(`SELECT school_id FROM check_runs WHERE id = $1`, [checkRunId]);
    if (run.school_id) {
      // One school's run: the cross-school rules for the learners DUO paid through that school.
      return this.engine.check(
        manager,
        { schoolIds: [run.school_id], learnerIds: [] },
        { rules: CROSS_SCHOOL_RULES, checkRunId },
      );
    }
    const learners = await this.engine.check(
      manager,
      { all: true },
      { rules: CROSS_SCHOOL_RULES, checkRunId },
    );
    // Payments to a KvK that is no registered school belong to no school's unit.
    const orphans = await this.engine.check(
      manager,
      { schoolIds: [NO_SCHOOL], learnerIds: [] },
      { rules: ['PAYMENT_WITHOUT_INVOICE'], checkRunId },
    );
    return {
      flagsRaised: learners.flagsRaised + orphans.flagsRaised,
      flagsWithdrawn: learners.flagsWithdrawn + orphans.flagsWithdrawn,
    };
  }

  async finish(checkRunId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE check_runs SET status = 'DONE', finished_at = now(), started_at = coalesce(started_at, now())
       WHERE id = $1 AND status IN ('QUEUED','RUNNING')`,
      [checkRunId],
    );
  }

  private flowProducer(): FlowProducer {
    this.flows ??= new FlowProducer({
      prefix: this.config.queuePrefix,
      connection: redisOptions(this.config.redisUrl, { maxRetriesPerRequest: 3, enableOfflineQueue: false }),
    });
    return this.flows;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flows?.close();
  }
}
