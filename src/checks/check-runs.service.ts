import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FlowProducer } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, isSystemActor } from '../common/auth/actor';
import { NotFoundProblem, RuleViolationProblem } from '../common/errors/problems';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FlagWriter } from '../flags/flag-writer';
import { defaultJobOptions, JobContext, JobName, queueOfJob } from '../queue/job-catalogue';
import { redisOptions } from '../queue/redis';
import { CROSS_SCHOOL_RULES, RULE_CODES, RuleCode, ruleOf } from '../rules/catalogue';
import { CheckRunResponse } from './check-runs.dto';
import { CheckOutcome, ChecksEngine } from './checks-engine.service';

type Trigger = CheckRunResponse['trigger'];
const SCHOOL_UNIT = 'school';
const CROSS_SCHOOL_UNIT = 'cross-school';
const RULE_UNIT_PREFIX = 'rule-';
const ATTENDANCE_UNIT = 'attendance';
const SCHOOL_RULES = RULE_CODES.filter((code) => !CROSS_SCHOOL_RULES.includes(code));
/** The rules a whole-country run checks in one unit, so that they derive the attendance exceptions once. */
const EXCEPTION_RULES = RULE_CODES.filter((code) => ruleOf(code).readsAttendanceExceptions);
/** A whole-country run's units: the attendance unit, then one per other rule. */
const COUNTRY_UNITS = [
  ATTENDANCE_UNIT,
  ...RULE_CODES.filter((code) => !EXCEPTION_RULES.includes(code)).map((code) => `${RULE_UNIT_PREFIX}${code}`),
];

/**
 * The units longest first, by how long each took when it last ran (one never measured first, in the given
 * order): workers take units in queue order, so a long unit left for last would keep one worker busy while the
 * others wait.
 */
export function longestFirst(
  units: readonly string[],
  lastDurationMs: ReadonlyMap<string, number>,
): string[] {
  const duration = (unit: string): number => lastDurationMs.get(unit) ?? Number.MAX_SAFE_INTEGER;
  return [...units].sort((a, b) => duration(b) - duration(a));
}

/**
 * Check runs, as a BullMQ flow whose parent closes the run. A run over the whole country fans out one
 * child per rule over every school's data (the rules are independent, so more workers finish sooner, and
 * each runs the rule's set-based SQL once instead of once per school), except that the rules that read the
 * attendance exceptions share one child, which derives it once; a run for one school has a child for
 * that school's subjects and one for the cross-school learner rules of its learners. Job ids are
 * deterministic (`check-run-<id>-<unit>`), every unit is idempotent (flags are upserted on their natural
 * key) and counted once (check_run_units), so a worker killed mid-run resumes to exactly the flags of an
 * undisturbed run.
 */
@Injectable()
export class CheckRunsService implements OnModuleDestroy {
  private readonly logger = new Logger(CheckRunsService.name);
  private flows?: FlowProducer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly engine: ChecksEngine,
    private readonly flags: FlagWriter,
  ) {}

  async start(actor: Actor, { schoolId }: { schoolId?: string }, trigger: Trigger): Promise<{ id: string }> {
    const units: { unit: string; schoolIds: string[] }[] = schoolId
      ? [
          { unit: SCHOOL_UNIT, schoolIds: [schoolId] },
          { unit: CROSS_SCHOOL_UNIT, schoolIds: [schoolId] },
        ]
      : (await this.countryUnitsInOrder()).map((unit) => ({ unit, schoolIds: [] }));
    const id = await this.dataSource.transaction(async (manager) => {
      if (schoolId) {
        const [school] = await manager.query(`SELECT id FROM schools WHERE id = $1`, [schoolId]);
        if (!school) throw new RuleViolationProblem('schoolId names no school.', 'schoolId');
      }
      const [run] = await manager.query(
        `INSERT INTO check_runs (school_id, trigger, units_total, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
        [schoolId ?? null, trigger, units.length, isSystemActor(actor) ? null : actor.id],
      );
      return run.id as string;
    });
    const queueName = queueOfJob[JobName.CheckRunUnit];
    await this.flowProducer().add({
      name: JobName.FinishCheckRun,
      queueName: queueOfJob[JobName.FinishCheckRun],
      data: { checkRunId: id },
      opts: { ...defaultJobOptions, jobId: `check-run-${id}` },
      children: units.map(({ unit, schoolIds }) => ({
        name: JobName.CheckRunUnit,
        queueName,
        data: { checkRunId: id, unit, schoolIds },
        opts: { ...defaultJobOptions, jobId: `check-run-${id}-${unit}`, failParentOnFailure: true },
      })),
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

  /** Only whole-country runs have these units (a school's run has a school and a cross-school unit). */
  private async countryUnitsInOrder(): Promise<string[]> {
    const rows: { unit: string; durationMs: number }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (unit) unit, duration_ms AS "durationMs" FROM check_run_units
       WHERE duration_ms IS NOT NULL AND unit = ANY($1) ORDER BY unit, finished_at DESC`,
      [COUNTRY_UNITS],
    );
    return longestFirst(COUNTRY_UNITS, new Map(rows.map((row) => [row.unit, row.durationMs])));
  }

  /** One unit, in one transaction with its count and duration; a unit already counted (a retried job) does nothing. */
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
        const started = Date.now();
        const outcome = await this.checkUnit(manager, checkRunId, unit, schoolIds);
        const [counted] = await manager.query(
          `INSERT INTO check_run_units (check_run_id, unit, flags_raised, flags_withdrawn, duration_ms)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
          [checkRunId, unit, outcome.flagsRaised, outcome.flagsWithdrawn, Date.now() - started],
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
      if (context.isLastAttempt) {
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
    if (unit === ATTENDANCE_UNIT)
      return this.engine.check(manager, { all: true }, { rules: EXCEPTION_RULES, checkRunId });
    if (unit.startsWith(RULE_UNIT_PREFIX)) {
      const rule = unit.slice(RULE_UNIT_PREFIX.length) as RuleCode;
      return this.engine.check(manager, { all: true }, { rules: [rule], checkRunId });
    }
    const rules = unit === CROSS_SCHOOL_UNIT ? CROSS_SCHOOL_RULES : SCHOOL_RULES;
    const outcome = await this.engine.check(manager, { schoolIds, learnerIds: [] }, { rules, checkRunId });
    if (unit === SCHOOL_UNIT) await this.engine.recordSweeps(manager, schoolIds);
    return outcome;
  }

  /** Closes the run; a whole-country run has swept every school (as of its start). */
  async finish(checkRunId: string): Promise<void> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const [run] = await manager.query(
        `WITH done AS (
           UPDATE check_runs SET status = 'DONE', finished_at = now(), started_at = coalesce(started_at, now())
           WHERE id = $1 AND status IN ('QUEUED','RUNNING') RETURNING school_id, started_at, flags_raised + flags_withdrawn AS changed)
         SELECT * FROM done`,
        [checkRunId],
      );
      if (run && !run.school_id) {
        await manager.query(
          `INSERT INTO school_sweeps (school_id, swept_at) SELECT id, $1::timestamptz - interval '1 minute' FROM schools
           ON CONFLICT (school_id) DO UPDATE SET swept_at = greatest(school_sweeps.swept_at, EXCLUDED.swept_at)`,
          [run.started_at],
        );
      }
      return run ? Number(run.changed) : 0;
    });
    await this.flags.refreshStatistics(this.dataSource.manager, changed);
  }

  private flowProducer(): FlowProducer {
    if (!this.flows) {
      this.flows = new FlowProducer({
        prefix: this.config.queuePrefix,
        connection: redisOptions(this.config.redisUrl, {
          maxRetriesPerRequest: 3,
          enableOfflineQueue: false,
        }),
      });
      // An 'error' without a listener would crash the process; a failed add is reported to its caller anyway.
      this.flows.on('error', () => undefined);
    }
    return this.flows;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flows?.close();
  }
}
