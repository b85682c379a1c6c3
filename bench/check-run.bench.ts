/**
 * Full national check run vs. the same rules' SQL run straight (issues 4 and 13), plus submission-to-flag latency.
 *
 *   npm run build && npx ts-node --transpile-only bench/check-run.bench.ts [--scale 1 | --quick] [--keep]
 *
 * Loads a national-scale data set in bulk straight into a scratch database with set-based SQL
 * (generate_series, deterministic): about 180 schools, 90,000 learners, 1,000,000 lessons with 12,000,000
 * attendance rows, 100,000 contracts, 300,000 invoices and as many DUO payments, 5,000 hours declarations,
 * with a sprinkling of irregularities for every rule. Then three rounds, each of:
 *  - straight: the statements a full run's units run, one after the other in one transaction (the attendance
 *    exceptions once, then each rule's `fired` query over everything into a temp table), without the flags'
 *    bookkeeping;
 *  - check run, one worker: POST /check-runs' flow (the attendance unit and one unit per other rule) worked off
 *    by one worker process (the built dist/jobs/worker.js, concurrency 1);
 *  - check run, one worker at its default concurrency: the same worker process as deployed, working off as many
 *    units at once as WORKER_CONCURRENCY's default (2, the cores of this machine);
 *  - check run, two workers: two processes at concurrency 1.
 * The first run raises every flag, which must be the straight SQL's rows exactly; every later run is over
 * unchanged data and must raise and withdraw nothing. The workers' resident memory is sampled meanwhile.
 *  - latency: hours declarations submitted as the API does (row + pending-check markers in one transaction,
 *    then the kick) at 50 per second, each time until its flag is visible (an in-process worker).
 * Prints one JSON object to stdout; progress goes to stderr. --quick is --scale 0.01; --keep keeps the
 * scratch database (to EXPLAIN the rules on it).
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { createWorkerContext } from '../jobs/bootstrap-worker';
import { JobRunner } from '../jobs/job-runner';
import { CheckRunsService } from '../src/checks/check-runs.service';
import { RULE_SETTINGS } from '../src/checks/checks-engine.service';
import { fullRunPreparation, ruleOf, withDefaults } from '../src/rules/catalogue';
import { FULL_RUN } from '../src/rules/catalogue/rule-definition';
import { SYSTEM_ACTOR } from '../src/common/auth/actor';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { PendingChecks } from '../src/queue/pending-checks';
import { JobQueue } from '../src/queue/job-queue.service';
import { QueueName } from '../src/queue/job-catalogue';
import { RuleCode } from '../src/common/vocabulary';
import {
  BENCH_ENV,
  loadNationalDataset,
  percentile,
  scaleArgument,
  seconds,
  withDatabase,
} from './national-dataset';

const log = (message: string): void => void process.stderr.write(`[check-run bench] ${message}\n`);

const ROUNDS = 3;
const WORKER_SCRIPT = 'dist/jobs/worker.js';
/** What a flag is, to the row: the columns the straight SQL and the check run must agree on. */
const FLAG_ROW = 'rule_code, subject_id, school_id, period_from, period_to, severity, explanation, evidence';

export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number[];
}
const spread = (runs: number[]): Spread => {
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    min: sorted[0],
    median: sorted[Math.floor(sorted.length / 2)],
    max: sorted[sorted.length - 1],
    runs,
  };
};
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

async function main(): Promise<void> {
  const scale = scaleArgument();
  const worker = builtWorker();
  const suffix = randomBytes(4).toString('hex');
  const server = loadConfig(process.env, BENCH_ENV).databaseUrl;
  const database = `taalschool_bench_checks_${suffix}`;
  mkdirSync('var', { recursive: true });
  const settings = {
    ...BENCH_ENV,
    DATABASE_URL: withDatabase(server, database),
    QUEUE_PREFIX: `bench-checks-${suffix}`,
    LOG_FILE: join('var', `bench-check-run-${suffix}.log`),
  };
  const config: AppConfig = loadConfig(process.env, settings);
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  let app: INestApplicationContext | undefined;
  const db = new Client({ connectionString: config.databaseUrl });
  try {
    app = await createWorkerContext(config); // migrates the scratch database; consumes no queue until the latency part
    await db.connect();

    // --- load -------------------------------------------------------------------------------------------------
    const loadStarted = Date.now();
    const counts = await loadNationalDataset(db, scale, log);
    const loadSeconds = seconds(loadStarted);
    log(`loaded in ${loadSeconds} s`);

    // --- rounds of straight SQL, one worker, two workers --------------------------------------------------------
    await db.query(
      `CREATE TEMP TABLE straight_fired (rule_code text, subject_id uuid, school_id uuid, period_from date, period_to date, severity text, explanation text, evidence jsonb)`,
    );
    const checkRuns = app.get(CheckRunsService);
    const checksQueue = app.get(JobQueue).queue(QueueName.Checks);
    const env = { ...process.env, ...settings };
    const straight: StraightRun[] = [];
    const runs: Record<WorkerSetup, CheckRunResult[]> = { one: [], oneDefault: [], two: [] };
    const rssMb: Record<WorkerSetup, number[]> = { one: [], oneDefault: [], two: [] };
    const defaultConcurrency = withoutConcurrency(env);
    for (let round = 0; round < ROUNDS; round++) {
      straight.push(await straightSql(db));
      log(`round ${round + 1}: straight SQL in ${straight[round].seconds} s`);
      for (const [key, count, workerEnv] of [
        ['one', 1, env],
        ['oneDefault', 1, defaultConcurrency],
        ['two', 2, env],
      ] as const) {
        const workers = await startWorkers(worker, count, workerEnv, () => checksQueue.getWorkersCount());
        try {
          const run = await checkRun(checkRuns, db);
          runs[key].push(run);
          log(
            `round ${round + 1}: check run with ${key} in ${run.seconds} s (${run.flagsRaised} raised, ${run.flagsWithdrawn} withdrawn)`,
          );
        } finally {
          rssMb[key].push(...(await workers.stop()));
        }
        if (round === 0 && key === 'one') await sameFlags(db);
        else if (runs[key].at(-1)!.flagsRaised + runs[key].at(-1)!.flagsWithdrawn > 0)
          throw new Error('a check run over unchanged data raised or withdrew flags');
      }
    }
    const flagsByRule = Object.fromEntries(
      (
        await db.query(
          `SELECT rule_code, count(*)::int AS n FROM flags WHERE status = 'OPEN' GROUP BY 1 ORDER BY 1`,
        )
      ).rows.map((r) => [r.rule_code, r.n]),
    );

    // --- submission-to-flag latency at 50 submissions a second ------------------------------------------------
    await app.get(JobRunner).start();
    const latency = await measureLatency(app, config, scale);
    log(`latency p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, p99 ${latency.p99Ms} ms`);

    const rechecks = [...runs.one.slice(1), ...runs.oneDefault, ...runs.two];
    const straightSpread = spread(straight.map((r) => r.seconds));
    const medianStraight = straight.find((r) => r.seconds === straightSpread.median)!;
    const oneWorker = spread(runs.one.map((r) => r.seconds));
    const oneWorkerDefault = spread(runs.oneDefault.map((r) => r.seconds));
    const twoWorkers = spread(runs.two.map((r) => r.seconds));
    const result = {
      bench: 'check-run',
      scale,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
      },
      dataset: { ...counts },
      loadSeconds,
      rounds: ROUNDS,
      straightSqlSeconds: straightSpread.median,
      straightSql: straightSpread,
      straightSqlSecondsPerStatement: medianStraight.perStatement,
      checkRunSeconds: oneWorker.median,
      checkRunOneWorker: oneWorker,
      // Next to straightSqlSecondsPerStatement: where a run at concurrency 1 spends more than the straight SQL.
      checkRunOneWorkerSecondsPerUnit: runs.one.find((r) => r.seconds === oneWorker.median)!.perUnit,
      // Each round's run against the straight SQL just before it (the machine's speed drifts between rounds).
      ratioToStraightSqlPerRound: runs.one.map((r, round) => ratio(r.seconds, straight[round].seconds)),
      checkRunOneWorkerDefaultConcurrency: oneWorkerDefault,
      defaultWorkerConcurrency: loadConfig({}, withoutConcurrency(settings)).workerConcurrency,
      checkRunTwoWorkers: twoWorkers,
      checkRunFlagsRaised: runs.one[0].flagsRaised,
      recheckFlagsRaised: rechecks.reduce((n, r) => n + r.flagsRaised, 0),
      recheckFlagsWithdrawn: rechecks.reduce((n, r) => n + r.flagsWithdrawn, 0),
      flagsMatchStraightSql: true, // sameFlags throws otherwise
      ratioToStraightSql: ratio(oneWorker.median, straightSpread.median),
      twoWorkersSpeedup: ratio(oneWorker.median, twoWorkers.median),
      workerPeakRssMb: {
        oneWorker: Math.max(...rssMb.one),
        oneWorkerDefaultConcurrency: Math.max(...rssMb.oneDefault),
        twoWorkers: Math.max(...rssMb.two),
      },
      openFlagsByRule: flagsByRule,
      latency,
      targets: {
        checkRunAtMost15s: oneWorkerDefault.median <= 15,
        checkRunAtMost15sAtConcurrency1: oneWorker.median <= 15,
        within1_1xOfStraightSql: oneWorker.median <= 1.1 * straightSpread.median,
        twoWorkersFaster: twoWorkers.median < oneWorker.median,
        p95Under2s: latency.p95Ms < 2000,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await app?.close();
    await db.end().catch(() => undefined);
    if (process.argv.includes('--keep')) log(`kept the database ${database}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

/** The built worker, refused when older than a source file: it is what runs the check runs. */
function builtWorker(): string {
  if (!existsSync(WORKER_SCRIPT)) throw new Error(`${WORKER_SCRIPT} is missing: npm run build first`);
  const built = statSync(WORKER_SCRIPT).mtimeMs;
  const stale = ['src', 'jobs', 'migrations'].some((folder) =>
    readdirSync(folder, { recursive: true, encoding: 'utf8' }).some(
      (name) => name.endsWith('.ts') && statSync(join(folder, name)).mtimeMs > built,
    ),
  );
  if (stale) throw new Error(`${WORKER_SCRIPT} is older than the sources: npm run build first`);
  return WORKER_SCRIPT;
}

type WorkerSetup = 'one' | 'oneDefault' | 'two';

/** The settings without WORKER_CONCURRENCY: a worker started with them runs at its default concurrency. */
function withoutConcurrency<T extends Record<string, string | undefined>>(
  settings: T,
): Omit<T, 'WORKER_CONCURRENCY'> {
  const copy: Partial<T> = { ...settings };
  delete copy.WORKER_CONCURRENCY;
  return copy as Omit<T, 'WORKER_CONCURRENCY'>;
}

interface StraightRun {
  seconds: number;
  perStatement: Record<string, number>;
}

/** The statements of a full run's units, straight: the attendance exceptions, then every enabled rule's fired rows. */
async function straightSql(db: Client): Promise<StraightRun> {
  const rules: { code: RuleCode; severity: string; parameters: Record<string, unknown> }[] = (
    await db.query(`SELECT code, severity, parameters FROM rules WHERE enabled ORDER BY code`)
  ).rows;
  const perStatement: Record<string, number> = {};
  await db.query(`TRUNCATE straight_fired`);
  const started = Date.now();
  await db.query('BEGIN');
  await db.query(RULE_SETTINGS);
  const preparation = fullRunPreparation(rules.map((r) => r.code));
  for (const statement of preparation) await db.query(statement);
  if (preparation.length > 0) perStatement.ATTENDANCE_EXCEPTIONS = seconds(started);
  for (const rule of rules) {
    const ruleStarted = Date.now();
    await db.query(
      `INSERT INTO straight_fired SELECT $3, f.* FROM (${ruleOf(rule.code).fired(FULL_RUN)}) f WHERE $1::jsonb IS NOT NULL AND $2::text IS NOT NULL`,
      [withDefaults(rule.code, rule.parameters), rule.severity, rule.code],
    );
    perStatement[rule.code] = seconds(ruleStarted);
  }
  await db.query('COMMIT');
  return { seconds: seconds(started), perStatement };
}

/** The open flags are the straight SQL's rows exactly (both ways); throws with a sample of the difference. */
async function sameFlags(db: Client): Promise<void> {
  const open = `SELECT ${FLAG_ROW} FROM flags WHERE status = 'OPEN'`;
  const straight = `SELECT ${FLAG_ROW} FROM straight_fired`;
  const { rows: onlyFlags } = await db.query(`${open} EXCEPT ${straight} LIMIT 5`);
  const { rows: onlyStraight } = await db.query(`${straight} EXCEPT ${open} LIMIT 5`);
  if (onlyFlags.length + onlyStraight.length > 0)
    throw new Error(
      `the check run's flags differ from the straight SQL: ${JSON.stringify({ onlyFlags, onlyStraight })}`,
    );
}

interface CheckRunResult {
  seconds: number;
  flagsRaised: number;
  flagsWithdrawn: number;
  /** Each unit's own time (its transaction, as check_run_units records it), in the order they finished. */
  perUnit: Record<string, number>;
}

/** One whole-country check run, from the POST's service call until the run is DONE. */
async function checkRun(checkRuns: CheckRunsService, db: Client): Promise<CheckRunResult> {
  const started = Date.now();
  const { id } = await checkRuns.start(SYSTEM_ACTOR, {}, 'MANUAL');
  for (;;) {
    const run = await checkRuns.get(id);
    if (run.status === 'FAILED') throw new Error('check run FAILED');
    if (run.status === 'DONE') {
      const took = seconds(started);
      const { rows } = await db.query(
        `SELECT unit, duration_ms FROM check_run_units WHERE check_run_id = $1 ORDER BY finished_at`,
        [id],
      );
      return {
        seconds: took,
        flagsRaised: run.flagsRaised,
        flagsWithdrawn: run.flagsWithdrawn,
        perUnit: Object.fromEntries(rows.map((row) => [row.unit, row.duration_ms / 1000])),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * `count` worker processes on the bench's database and queues, once they all consume the checks queue; `stop`
 * ends them and returns each one's peak resident set size (MB) sampled while they ran.
 */
async function startWorkers(
  script: string,
  count: number,
  env: NodeJS.ProcessEnv,
  consuming: () => Promise<number>,
): Promise<{ stop(): Promise<number[]> }> {
  const children: ChildProcess[] = Array.from({ length: count }, () =>
    spawn(process.execPath, [script], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const peaks = children.map(() => 0);
  const sample = (): void =>
    children.forEach((child, i) => {
      const status = child.exitCode === null ? readFileSync(`/proc/${child.pid}/status`, 'utf8') : '';
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peaks[i] = Math.max(peaks[i], Math.round(kb / 1024));
    });
  const sampler = setInterval(sample, 100);
  const stop = async (): Promise<number[]> => {
    clearInterval(sampler);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    return peaks;
  };
  const deadline = Date.now() + 60_000;
  while ((await consuming()) < count) {
    if (Date.now() > deadline || children.some((child) => child.exitCode !== null)) {
      await stop();
      throw new Error(`${count} worker(s) did not start consuming within 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { stop };
}

/**
 * Submits hours declarations as the API does (the row, the school and learner markers, in one transaction;
 * the kick after commit) at 50 a second for `durationS` seconds, each declaring more than the learner attended,
 * and measures until its DECLARED_HOURS_EXCEED_ATTENDANCE flag is visible. Submissions and the one polling loop
 * use their own connections, not the worker's pool.
 */
async function measureLatency(
  worker: INestApplicationContext,
  config: AppConfig,
  scale: number,
): Promise<{
  submissions: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}> {
  const durationS = scale < 0.1 ? 10 : 30;
  const perSecond = 50;
  const pending = worker.get(PendingChecks);
  const pool = new Pool({ connectionString: config.databaseUrl, max: 12 });
  try {
    const learners: { id: string; school_id: string }[] = (
      await pool.query(
        `SELECT DISTINCT ON (learner_id) learner_id AS id, school_id FROM contracts ORDER BY learner_id LIMIT ${durationS * perSecond}`,
      )
    ).rows;
    const submittedAt = new Map<string, number>();
    const latencies: number[] = [];
    let submitting = true;
    const poller = (async () => {
      while (submitting || submittedAt.size > 0) {
        const ids = [...submittedAt.keys()];
        if (ids.length > 0) {
          const { rows } = await pool.query(
            `SELECT subject_id FROM flags WHERE rule_code = 'DECLARED_HOURS_EXCEED_ATTENDANCE' AND subject_id = ANY($1)`,
            [ids],
          );
          const now = Date.now();
          for (const { subject_id } of rows) {
            latencies.push(now - submittedAt.get(subject_id)!);
            submittedAt.delete(subject_id);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = Date.now();
    const submissions: Promise<void>[] = [];
    for (let i = 0; i < learners.length; i++) {
      const due = started + (i * 1000) / perSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const learner = learners[i];
      submissions.push(
        (async () => {
          const submitted = Date.now();
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const { rows } = await client.query(
              `INSERT INTO hours_declarations (school_id, learner_id, purpose, period_start, period_end, hours, issued_on)
               VALUES ($1, $2, 'ONA', '2024-07-01', '2024-07-31', 999, '2024-08-01') RETURNING id`,
              [learner.school_id, learner.id],
            );
            await client.query(
              `INSERT INTO pending_checks (scope_type, scope_id) VALUES ('SCHOOL', $1), ('LEARNER', $2)`,
              [learner.school_id, learner.id],
            );
            await client.query('COMMIT');
            submittedAt.set(rows[0].id, submitted);
          } finally {
            client.release();
          }
          await pending.kick();
        })(),
      );
    }
    await Promise.all(submissions);
    submitting = false;
    const deadline = Date.now() + 120_000;
    while (submittedAt.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    if (submittedAt.size > 0) throw new Error(`${submittedAt.size} submissions without a flag after 120 s`);
    await poller;
    latencies.sort((a, b) => a - b);
    return {
      submissions: latencies.length,
      perSecond,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1],
    };
  } finally {
    await pool.end();
  }
}

main().catch((error: Error) => {
  log(`failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
