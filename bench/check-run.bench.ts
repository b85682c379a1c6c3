/**
 * Full national check run vs. the same rules' SQL run straight (issue 4), plus submission-to-flag latency.
 *
 *   npx ts-node --transpile-only bench/check-run.bench.ts [--scale 1 | --quick] [--keep]
 *
 * Loads a national-scale data set in bulk straight into a scratch database with set-based SQL
 * (generate_series, deterministic): about 180 schools, 90,000 learners, 1,000,000 lessons with 12,000,000
 * attendance rows, 100,000 contracts, 300,000 invoices and as many DUO payments, 5,000 hours declarations,
 * with a sprinkling of irregularities for every rule. Then, in the same run:
 *  - straight: each rule's `fired` query over everything, into a temp table (no flags bookkeeping);
 *  - check run: POST /check-runs' flow (one child per school + the cross-school unit) with ONE worker
 *    (concurrency 1), first run (raises every flag) and a second one over unchanged data;
 *  - latency: hours declarations submitted as the API does (row + pending-check markers in one transaction,
 *    then the kick) at 50 per second, each time until its flag is visible.
 * Prints one JSON object to stdout; progress goes to stderr. --quick is --scale 0.01; --keep keeps the
 * scratch database (to EXPLAIN the rules on it).
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { startWorker } from '../jobs/bootstrap-worker';
import { CheckRunsService } from '../src/checks/check-runs.service';
import { ruleOf } from '../src/rules/catalogue';
import { FULL_RUN } from '../src/rules/catalogue/rule-definition';
import { SYSTEM_ACTOR } from '../src/common/auth/actor';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { PendingChecks } from '../src/queue/pending-checks';
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

async function main(): Promise<void> {
  const scale = scaleArgument();
  const suffix = randomBytes(4).toString('hex');
  const server = loadConfig(process.env, BENCH_ENV).databaseUrl;
  const database = `taalschool_bench_checks_${suffix}`;
  mkdirSync('var', { recursive: true });
  const config: AppConfig = loadConfig(process.env, {
    ...BENCH_ENV,
    DATABASE_URL: withDatabase(server, database),
    QUEUE_PREFIX: `bench-checks-${suffix}`,
    LOG_FILE: join('var', `bench-check-run-${suffix}.log`),
  });
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  let worker: INestApplicationContext | undefined;
  const db = new Client({ connectionString: config.databaseUrl });
  try {
    worker = await startWorker(config); // migrates the scratch database
    await db.connect();

    // --- load -------------------------------------------------------------------------------------------------
    const loadStarted = Date.now();
    const counts = await loadNationalDataset(db, scale, log);
    const loadSeconds = seconds(loadStarted);
    log(`loaded in ${loadSeconds} s`);

    // --- the same rules' SQL, straight --------------------------------------------------------------------------
    const rules: { code: RuleCode; severity: string; parameters: object }[] = (
      await db.query(`SELECT code, severity, parameters FROM rules ORDER BY code`)
    ).rows;
    const straightPerRule: Record<string, number> = {};
    await db.query(
      `CREATE TEMP TABLE straight_fired (rule_code text, subject_id uuid, school_id uuid, period_from date, period_to date, severity text, explanation text, evidence jsonb)`,
    );
    await db.query(`SET jit = off`); // as the checks run them
    const straightStarted = Date.now();
    for (const rule of rules) {
      const started = Date.now();
      await db.query(
        `INSERT INTO straight_fired SELECT $3, f.* FROM (${ruleOf(rule.code).fired(FULL_RUN)}) f WHERE $1::jsonb IS NOT NULL AND $2::text IS NOT NULL`,
        [rule.parameters, rule.severity, rule.code],
      );
      straightPerRule[rule.code] = seconds(started);
    }
    const straightSeconds = seconds(straightStarted);
    log(`straight SQL in ${straightSeconds} s`);

    // --- the check run, one worker ------------------------------------------------------------------------------
    const checkRuns = worker.get(CheckRunsService);
    const runOnce = async (): Promise<{ seconds: number; flagsRaised: number; flagsWithdrawn: number }> => {
      const started = Date.now();
      const { id } = await checkRuns.start(SYSTEM_ACTOR, {}, 'MANUAL');
      for (;;) {
        const run = await checkRuns.get(id);
        if (run.status === 'DONE' || run.status === 'FAILED') {
          if (run.status === 'FAILED') throw new Error('check run FAILED');
          return {
            seconds: seconds(started),
            flagsRaised: run.flagsRaised,
            flagsWithdrawn: run.flagsWithdrawn,
          };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const firstRun = await runOnce();
    log(`first check run in ${firstRun.seconds} s (${firstRun.flagsRaised} flags raised)`);
    const secondRun = await runOnce();
    log(`second check run in ${secondRun.seconds} s`);
    const flagsByRule = Object.fromEntries(
      (
        await db.query(
          `SELECT rule_code, count(*)::int AS n FROM flags WHERE status = 'OPEN' GROUP BY 1 ORDER BY 1`,
        )
      ).rows.map((r) => [r.rule_code, r.n]),
    );

    // --- submission-to-flag latency at 50 submissions a second ------------------------------------------------
    const latency = await measureLatency(worker, config, scale);
    log(`latency p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms`);

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
      straightSqlSeconds: straightSeconds,
      straightSqlSecondsPerRule: straightPerRule,
      checkRunSeconds: firstRun.seconds,
      checkRunFlagsRaised: firstRun.flagsRaised,
      recheckSeconds: secondRun.seconds,
      recheckFlagsRaised: secondRun.flagsRaised,
      recheckFlagsWithdrawn: secondRun.flagsWithdrawn,
      ratioToStraightSql: Math.round((firstRun.seconds / straightSeconds) * 100) / 100,
      openFlagsByRule: flagsByRule,
      latency,
      targets: {
        checkRunUnder60s: firstRun.seconds < 60,
        within2xOfStraightSql: firstRun.seconds <= 2 * straightSeconds,
        p95Under2s: latency.p95Ms < 2000,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await worker?.close();
    await db.end().catch(() => undefined);
    if (process.argv.includes('--keep')) log(`kept the database ${database}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
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
): Promise<{ submissions: number; perSecond: number; p50Ms: number; p95Ms: number; maxMs: number }> {
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
              `INSERT INTO pending_checks (scope_type, scope_id) VALUES ('SCHOOL', $1), ('LEARNER', $2)
               ON CONFLICT (scope_type, scope_id) DO UPDATE SET marked_at = now()`,
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
