/**
 * Fault injection (issue 14): the built API and worker as real processes on scratch databases, a Redis of
 * its own, and for each fault the end state compared with an undisturbed run of the same work.
 *
 *   npm run chaos            (builds first)   or   npx ts-node --transpile-only chaos/run.ts [--only name]
 *
 * Settings (environment): CHAOS_DATABASE_URL (default postgres://postgres@127.0.0.1:5443/postgres, the server
 * whose scratch databases it creates), CHAOS_PG_CLUSTER (default "15 chaos": created on that port when missing,
 * as root on Debian, and restarted with pg_ctlcluster in the Postgres scenario; never point it at a shared cluster), CHAOS_REDIS_PORT (6391: a redis-server it starts and
 * kills itself), CHAOS_PORT (3141). Writes RELIABILITY.md; exits non-zero when a scenario fails.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { generate, GROUPS, TEACHERS, upload } from '../bench/lesson-import.bench';
import { loadNationalDataset } from '../bench/national-dataset';
import { Api, inPool, sleep } from '../scripts/lib/api-client';
import { validBsn } from '../scripts/lib/bsn-series';
import { startStack, Stack } from '../scripts/lib/stack';

const SERVER = process.env.CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5443/postgres';
const PG_CLUSTER = (process.env.CHAOS_PG_CLUSTER ?? '15 chaos').split(' ');
const REDIS_PORT = Number(process.env.CHAOS_REDIS_PORT ?? 6391);
const PORT = Number(process.env.CHAOS_PORT ?? 3141);
const WORK_DIR = 'var/chaos';
/** Smaller than national so the suite runs in minutes on a shared 2-core machine (see RELIABILITY.md). */
const CHECK_RUN_SCALE = Number(process.env.CHAOS_CHECK_SCALE ?? 0.03);
const IMPORT_ROWS = Number(process.env.CHAOS_IMPORT_ROWS ?? 200_000);
const SUBMISSIONS = Number(process.env.CHAOS_SUBMISSIONS ?? 400);
/** A request that takes longer than this counts as a hang. */
const REQUEST_TIMEOUT_MS = 15_000;
const ADMIN = { email: 'chaos-admin@chaos.example', password: 'chaos-admin-password-1' };
const SCHOOL_PASSWORD = 'chaos-school-password-1';

const log = (message: string): void => void process.stderr.write(`[chaos] ${message}\n`);

function databaseUrl(name: string): string {
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T = unknown>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function query<T = Record<string, unknown>>(
  database: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl(database) });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A database copied from a template (the undisturbed and the disturbed run start from the same data). */
async function freshDatabase(name: string, template?: string): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
}

// --- Redis of its own ------------------------------------------------------------------------------------------

let redis: ChildProcess | undefined;
async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    try {
      if (
        execFileSync('redis-cli', ['-p', String(REDIS_PORT), 'ping'])
          .toString()
          .trim() === 'PONG'
      )
        return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`redis-server on ${REDIS_PORT} did not start`);
}
async function killRedis(): Promise<void> {
  const child = redis;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
const flushRedis = (): void => void execFileSync('redis-cli', ['-p', String(REDIS_PORT), 'FLUSHALL']);

// --- the stack ---------------------------------------------------------------------------------------------------

function stackFor(database: string, name: string): Promise<Stack> {
  return startStack({
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl(database),
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      QUEUE_PREFIX: `chaos-${name}-${randomBytes(3).toString('hex')}`,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_SECRET: 'chaos-jwt-secret-that-is-long-enough-0123456789',
      BSN_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64'),
      BSN_INDEX_KEY: Buffer.alloc(32, 6).toString('base64'),
      UPLOAD_DIR: join(WORK_DIR, 'uploads'),
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '2',
    },
    port: PORT,
    logDir: join(WORK_DIR, 'logs', name),
  });
}

interface Outcome {
  scenario: string;
  fault: string;
  requests: number;
  lost: number;
  duplicated: number;
  serverErrors: number;
  compared: string;
  passed: boolean;
  notes: string[];
}

/** One request with a bounded wait: its status, 0 for a refused connection, -1 for a hang. */
async function send(
  api: Api,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(`${api.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  } catch (error) {
    return { status: (error as Error).name === 'TimeoutError' ? -1 : 0, body: undefined };
  }
}

/** A school with a logged-in SCHOOL user. */
async function schoolApi(stack: Stack, kvk: string): Promise<Api> {
  const adminApi = await Api.login(stack.baseUrl, ADMIN.email, ADMIN.password);
  const school = await adminApi.post<{ id: string }>('/schools', { name: `Chaos ${kvk}`, kvkNumber: kvk });
  const email = `school-${kvk}@chaos.example`;
  await adminApi.post('/users', { email, password: SCHOOL_PASSWORD, role: 'SCHOOL', schoolId: school.id });
  return Api.login(stack.baseUrl, email, SCHOOL_PASSWORD);
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

// --- 1. worker kill -9 in the middle of a check run ---------------------------------------------------------------

async function checkRunScenario(): Promise<Outcome> {
  const template = 'taalschool_chaos_checks_template';
  await freshDatabase(template);
  let stack = await stackFor(template, 'checks-migrate'); // migrates; then the data goes in straight
  await stack.stop();
  log(`loading the check-run data set at scale ${CHECK_RUN_SCALE}`);
  const db = new Client({ connectionString: databaseUrl(template) });
  await db.connect();
  await loadNationalDataset(db, CHECK_RUN_SCALE, log).finally(() => db.end());
  const [{ attendance }] = await query<{ attendance: number }>(
    template,
    `SELECT count(*)::int AS attendance FROM lesson_attendees`,
  );

  const run = async (database: string, disturb: boolean) => {
    await freshDatabase(database, template);
    stack = await stackFor(database, database);
    try {
      const api = await Api.login(stack.baseUrl, ADMIN.email, ADMIN.password);
      const { id } = await api.post<{ id: string }>('/check-runs', {});
      let killed = false;
      const finished = await waitFor('the check run', 600_000, async () => {
        const status = await api.get<{ status: string; progress: number }>(`/check-runs/${id}`);
        if (disturb && !killed && status.status === 'RUNNING' && status.progress > 0) {
          log(`check run at ${Math.round(status.progress * 100)}%: kill -9 worker, restart`);
          await stack.kill('worker');
          killed = true;
          await stack.restart('worker');
        }
        return status.status === 'DONE' || status.status === 'FAILED' ? status : undefined;
      });
      const flags = await query<{ key: string }>(
        database,
        `SELECT rule_code || '|' || subject_type || '|' || subject_id || '|' || coalesce(period_from::text, '') || '|' || coalesce(period_to::text, '') || '|' || status AS key FROM flags`,
      );
      return { status: finished.status, killed, keys: flags.map((f) => f.key) };
    } finally {
      await stack.stop();
    }
  };
  const calm = await run('taalschool_chaos_checks_calm', false);
  const hit = await run('taalschool_chaos_checks_hit', true);
  const calmSet = new Set(calm.keys);
  const hitSet = new Set(hit.keys);
  const lost = [...calmSet].filter((key) => !hitSet.has(key)).length;
  const extra = [...hitSet].filter((key) => !calmSet.has(key)).length;
  const duplicated = hit.keys.length - hitSet.size + extra;
  return {
    scenario: 'worker kill -9 during a check run',
    fault: hit.killed
      ? 'kill -9 of the worker while the run was RUNNING, then a restart'
      : 'none (the run ended first)',
    requests: 2,
    lost,
    duplicated,
    serverErrors: 0,
    compared: `${hit.keys.length} flags vs ${calm.keys.length} undisturbed (${attendance} attendance rows); run ${hit.status}`,
    passed: hit.killed && calm.status === 'DONE' && hit.status === 'DONE' && lost === 0 && duplicated === 0,
    notes: [],
  };
}

// --- 2. worker kill -9 in the middle of a lesson import -----------------------------------------------------------

async function importScenario(): Promise<Outcome> {
  const database = 'taalschool_chaos_import';
  await freshDatabase(database);
  const stack = await stackFor(database, 'import');
  try {
    const api = await schoolApi(stack, '76543210');
    await inPool([...Array(GROUPS).keys()], 8, (g) => api.post('/groups', { code: `G${g}`, route: 'B1' }));
    await inPool([...Array(TEACHERS).keys()], 8, (t) =>
      api.post('/teachers', { name: `Teacher ${t}`, reference: `T${t}`, nt2Certified: true }),
    );
    const [{ id: schoolId }] = await query<{ id: string }>(database, `SELECT id FROM schools`);
    log(`generating ${IMPORT_ROWS} rows`);
    const generated = await generate(IMPORT_ROWS, schoolId);
    const { id } = await upload(api, '/lessons/imports', generated.csvPath);
    let killed = false;
    const done = await waitFor('the import', 900_000, async () => {
      const status = await api.get<{ status: string; rowsTotal: number }>(`/imports/${id}`);
      if (!killed && status.status === 'RUNNING' && status.rowsTotal > 0) {
        log(`import RUNNING at ${status.rowsTotal} rows: kill -9 worker, restart`);
        await stack.kill('worker');
        killed = true;
        await stack.restart('worker');
      }
      return status.status === 'DONE' || status.status === 'FAILED' ? status : undefined;
    });
    const [counts] = await query<{
      lessons: number;
      attendees: number;
      done_events: number;
      distinct_rows: number;
    }>(
      database,
      `SELECT (SELECT count(*)::int FROM lessons) AS lessons, (SELECT count(*)::int FROM lesson_attendees) AS attendees,
              (SELECT count(DISTINCT (lesson_id, learner_id))::int FROM lesson_attendees) AS distinct_rows,
              (SELECT count(*)::int FROM audit_events WHERE action = 'IMPORT_DONE' AND subject_id = $1) AS done_events`,
      [id],
    );
    const lost =
      Math.max(0, IMPORT_ROWS - counts.distinct_rows) + Math.max(0, generated.lessons - counts.lessons);
    const duplicated =
      counts.attendees -
      counts.distinct_rows +
      Math.max(0, counts.lessons - generated.lessons) +
      Math.max(0, counts.done_events - 1);
    return {
      scenario: 'worker kill -9 during a lesson CSV import',
      fault: killed
        ? 'kill -9 of the worker while the import was RUNNING, then a restart'
        : 'none (the import ended first)',
      requests: 1,
      lost,
      duplicated,
      serverErrors: 0,
      compared: `${counts.attendees} attendance rows in ${counts.lessons} lessons vs the file's ${IMPORT_ROWS} in ${generated.lessons} (what the undisturbed import stores); import ${done.status}, IMPORT_DONE audited ${counts.done_events}x`,
      passed: killed && done.status === 'DONE' && lost === 0 && duplicated === 0 && counts.done_events === 1,
      notes: [],
    };
  } finally {
    await stack.stop();
    rmSync(join('var/bench/lesson-import'), { recursive: true, force: true });
  }
}

// --- 3/4/5. submission loads with Redis or Postgres faults; 6. API kill -9 ------------------------------------------

type Fault = (stack: Stack) => Promise<string>;

interface Load {
  statuses: number[];
  references: string[];
  hangs: number;
  health: number[];
}

/** Contracts and declarations from 10 concurrent clients; `fault` fires when a third is sent. */
async function submissionLoad(
  stack: Stack,
  api: Api,
  tag: string,
  fault?: Fault,
): Promise<Load & { did: string }> {
  const statuses: number[] = [];
  const references: string[] = [];
  const health: number[] = [];
  let did = 'none';
  let faulted: Promise<void> | undefined;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      health.push((await send(api, 'GET', '/health')).status);
      await sleep(500);
    }
  })();
  await inPool([...Array(SUBMISSIONS).keys()], 10, async (i) => {
    if (fault && i === Math.floor(SUBMISSIONS / 3)) faulted = fault(stack).then((what) => void (did = what));
    const bsn = validBsn(500_000 + i);
    const reference = `${tag}-${i}`;
    const contract = await send(api, 'POST', '/contracts', {
      learnerBsn: bsn,
      reference,
      startDate: '2024-01-01',
      endDate: '2024-12-31',
      hours: 600,
      priceCents: 900_000,
      funding: 'DUO_LOAN',
    });
    const declaration = await send(api, 'POST', '/hours-declarations', {
      learnerBsn: bsn,
      purpose: 'AGI',
      periodStart: '2024-01-01',
      periodEnd: '2024-06-30',
      hours: 100,
      issuedOn: '2024-07-01',
    });
    statuses[2 * i] = contract.status;
    statuses[2 * i + 1] = declaration.status;
    references[i] = reference;
    await sleep(20);
  });
  await faulted;
  watching = false;
  await watcher;
  return { statuses, references, hangs: statuses.filter((s) => s === -1).length, health, did };
}

/** What the database holds of a load: contracts by reference, declarations, and whether their checks ran. */
async function settled(database: string, load: Load) {
  const contracts = await query<{ reference: string; n: number }>(
    database,
    `SELECT reference, count(*)::int AS n FROM contracts GROUP BY reference`,
  );
  const byReference = new Map(contracts.map((c) => [c.reference, c.n]));
  let lost = 0;
  let stored = 0;
  let duplicated = 0;
  load.references.forEach((reference, i) => {
    const n = byReference.get(reference) ?? 0;
    if (n > 1) duplicated += n - 1;
    if (load.statuses[2 * i] === 201 && n === 0) lost++;
    if (load.statuses[2 * i] !== 201 && n > 0) stored++;
  });
  // Every declaration's checks run (the outbox): none stays RECEIVED.
  const pending = await waitFor('the checks of every declaration', 180_000, async () => {
    const [{ received }] = await query<{ received: number }>(
      database,
      `SELECT count(*)::int AS received FROM hours_declarations WHERE status = 'RECEIVED'`,
    );
    return received === 0 ? 0 : undefined;
  }).catch(() => -1);
  const flags = await query<{ rule_code: string; n: number }>(
    database,
    `SELECT rule_code, count(*)::int AS n FROM flags GROUP BY rule_code ORDER BY rule_code`,
  );
  const [{ declarations }] = await query<{ declarations: number }>(
    database,
    `SELECT count(*)::int AS declarations FROM hours_declarations`,
  );
  return { lost, storedAfterError: stored, duplicated, checksPending: pending !== 0, flags, declarations };
}

/** The undisturbed load's flags and how many declarations raised them. */
interface Calm {
  flags: { rule_code: string; n: number }[];
  declarations: number;
}

const flagCounts = (flags: { rule_code: string; n: number }[]): string =>
  flags.map((f) => `${f.rule_code}:${f.n}`).join(', ') || 'none';

/**
 * The flags the stored declarations should have raised: the undisturbed run's per declaration. A fault may
 * refuse requests (a 503 while Postgres is down), and a refused submission is rightly not stored.
 */
function expectedFlags(calm: Calm, declarations: number): string {
  return flagCounts(
    calm.flags.map((f) => ({ rule_code: f.rule_code, n: (f.n * declarations) / calm.declarations })),
  );
}

/**
 * `killsTheApi`: a request the API committed just before its kill -9 reaches the client as a broken connection;
 * such a record is stored though the client saw an error (reported, and what an Idempotency-Key retry is for).
 * Every other fault must store nothing that got an error.
 */
async function submissionScenario(
  name: string,
  fault: Fault,
  calmFlags: () => Promise<Calm>,
  killsTheApi = false,
): Promise<Outcome> {
  const database = `taalschool_chaos_${name.replace(/-/g, '_')}`;
  const calm = await calmFlags(); // first: one stack at a time on the port
  await freshDatabase(database);
  const stack = await stackFor(database, name);
  try {
    const api = await schoolApi(stack, '65432109');
    const load = await submissionLoad(stack, api, name, fault);
    const result = await settled(database, load);
    const flags = flagCounts(result.flags);
    const expected = expectedFlags(calm, result.declarations);
    const serverErrors = load.statuses.filter((s) => s >= 500 && s !== 503).length;
    const unavailable = load.statuses.filter((s) => s === 503).length;
    const refused = load.statuses.filter((s) => s === 0).length;
    const healthDown = load.health.filter((s) => s === 503).length;
    return {
      scenario: name,
      fault: load.did,
      requests: load.statuses.length,
      lost: result.lost,
      duplicated: result.duplicated + (killsTheApi ? 0 : result.storedAfterError),
      serverErrors,
      compared: `flags ${flags} for ${result.declarations} stored declarations, expected ${expected} as in the undisturbed run (${flagCounts(calm.flags)} for ${calm.declarations}); ${load.statuses.filter((s) => s === 201).length} x 201, ${unavailable} x 503, ${refused} refused connections, ${load.hangs} hangs; health 503 ${healthDown}x`,
      passed:
        result.lost === 0 &&
        result.duplicated === 0 &&
        (killsTheApi || result.storedAfterError === 0) &&
        serverErrors === 0 &&
        load.hangs === 0 &&
        !result.checksPending &&
        flags === expected,
      notes: [
        ...(result.checksPending ? ['some declarations were never checked'] : []),
        ...(result.storedAfterError > 0
          ? [`${result.storedAfterError} committed just before the kill, the client saw the connection break`]
          : []),
      ],
    };
  } finally {
    await stack.stop();
  }
}

/** The Postgres cluster the suite may restart: its own, created (trust on loopback) and started when needed. */
function ensureCluster(): void {
  const [version, name] = PG_CLUSTER;
  const listed = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  const cluster = listed.find(([v, n]) => v === version && n === name);
  if (!cluster) {
    log(`creating Postgres cluster ${version} ${name} on port ${new URL(SERVER).port}`);
    execFileSync('pg_createcluster', [version, name, '--port', new URL(SERVER).port], { stdio: 'ignore' });
    const hba = `/etc/postgresql/${version}/${name}/pg_hba.conf`;
    writeFileSync(hba, 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n');
  }
  if (!cluster || cluster[3] !== 'online')
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start']);
}

async function main(): Promise<void> {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  mkdirSync(WORK_DIR, { recursive: true });
  ensureCluster();
  const started = new Date();
  await startRedis();
  const outcomes: Outcome[] = [];
  const attempt = async (name: string, scenario: () => Promise<Outcome>) => {
    if (only && only !== name) return;
    log(`scenario ${name}`);
    const t0 = Date.now();
    try {
      const outcome = await scenario();
      outcome.notes.push(`${Math.round((Date.now() - t0) / 1000)} s`);
      outcomes.push(outcome);
      log(`${name}: ${outcome.passed ? 'PASS' : 'FAIL'} ${JSON.stringify(outcome)}`);
    } catch (error) {
      outcomes.push({
        scenario: name,
        fault: '?',
        requests: 0,
        lost: -1,
        duplicated: -1,
        serverErrors: -1,
        compared: `scenario failed: ${(error as Error).message}`,
        passed: false,
        notes: [],
      });
      log(`${name}: ERROR ${(error as Error).stack}`);
    }
  };

  let calm: Calm | undefined;
  const calmFlags = async (): Promise<Calm> => {
    if (calm !== undefined) return calm;
    const database = 'taalschool_chaos_calm';
    await freshDatabase(database);
    const stack = await stackFor(database, 'calm');
    try {
      const api = await schoolApi(stack, '65432109');
      const load = await submissionLoad(stack, api, 'calm');
      const result = await settled(database, load);
      calm = { flags: result.flags, declarations: result.declarations };
      return calm;
    } finally {
      await stack.stop();
    }
  };

  await attempt('check-run', checkRunScenario);
  await attempt('lesson-import', importScenario);
  await attempt('redis-restart', () =>
    submissionScenario(
      'redis-restart',
      async () => {
        await killRedis();
        await sleep(3000);
        await startRedis();
        return 'kill -9 of Redis during the burst, restarted empty 3 s later';
      },
      calmFlags,
    ),
  );
  await attempt('redis-flush', () =>
    submissionScenario(
      'redis-flush',
      async () => {
        flushRedis();
        return 'FLUSHALL of Redis during the burst';
      },
      calmFlags,
    ),
  );
  await attempt('postgres-restart', () =>
    submissionScenario(
      'postgres-restart',
      async () => {
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER, 'stop', '-m', 'fast']);
        await sleep(3000);
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER, 'start']);
        return `pg_ctlcluster ${PG_CLUSTER.join(' ')} stop (fast), 3 s down, start`;
      },
      calmFlags,
    ),
  );
  await attempt('api-kill', () =>
    submissionScenario(
      'api-kill',
      async (stack) => {
        await stack.kill('api');
        await sleep(1000);
        await stack.restart('api');
        return 'kill -9 of the API during the load, restarted 1 s later';
      },
      calmFlags,
      true,
    ),
  );
  await killRedis();

  const finished = new Date();
  const [{ server_version: version }] = await admin<{ server_version: string }>(`SHOW server_version`);
  writeReport(outcomes, started, finished, version);
  const failed = outcomes.filter((o) => !o.passed);
  log(failed.length === 0 ? 'every scenario passed' : `failed: ${failed.map((o) => o.scenario).join(', ')}`);
  process.exit(failed.length === 0 && outcomes.length > 0 ? 0 : 1);
}

function writeReport(outcomes: Outcome[], started: Date, finished: Date, postgres: string): void {
  const rows = outcomes.map(
    (o) =>
      `| ${o.scenario} | ${o.fault} | ${o.requests} | ${o.lost} | ${o.duplicated} | ${o.serverErrors} | ${o.passed ? 'pass' : '**FAIL**'} | ${o.compared}${o.notes.length ? ` (${o.notes.join('; ')})` : ''} |`,
  );
  const text = `# Reliability: fault injection (\`npm run chaos\`)

Run ${started.toISOString().slice(0, 16)}-${finished.toISOString().slice(11, 16)} UTC on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB,
Node ${process.version}, PostgreSQL ${postgres}, Redis ${execFileSync('redis-server', ['--version']).toString().split(' ')[2]}
(the machine is shared with other work: timings are not benchmarks).

The built API and worker run as processes (\`scripts/lib/stack.ts\`) on scratch databases, with a Redis of the suite's
own. Each scenario compares the end state with an undisturbed run of the same work: the check run against the same
data checked without a fault, the import against the file (what an undisturbed import stores), the submission loads
against the same load without a fault. Sizes are smaller than national so the suite runs in minutes here: the check
run on the benchmark's data set at scale ${CHECK_RUN_SCALE}, a ${IMPORT_ROWS.toLocaleString('en')}-row lesson import, ${SUBMISSIONS} contracts and
${SUBMISSIONS} declarations per load from 10 concurrent clients (set CHAOS_CHECK_SCALE, CHAOS_IMPORT_ROWS,
CHAOS_SUBMISSIONS for more).

"Lost": a record the client got a 201 for (or the undisturbed run has) that is not stored. "Duplicated": stored
twice, or stored although the client got an error. "5xx": answers of 500 and up other than 503 (503 problem+json
is the answer while Postgres is down). A hang is a request unanswered after ${REQUEST_TIMEOUT_MS / 1000} s.

| scenario | fault injected | requests | lost | duplicated | 5xx | result | compared |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
  writeFileSync('RELIABILITY.md', text);
}

main().catch((error: unknown) => {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  void killRedis().then(() => process.exit(1));
});
