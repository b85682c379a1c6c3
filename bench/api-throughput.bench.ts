/**
 * Submissions (issue 13): POST /hours-declarations at 50 connections, measured with autocannon next to a bare
 * NestJS endpoint on the same adapter with the same validation doing one pg INSERT (bench/bare-nest-server.ts),
 * in the same run. Three rounds, each: the bare endpoint, the portal with all 50 connections on one school, the
 * portal with the 50 connections spread over 50 schools. Then, with the worker started, submission to flag at
 * 200 submissions a second: from the declaration's 201 until its flag is visible. The API's and the
 * worker's resident memory are sampled throughout. Prints one JSON object to stdout; progress goes to stderr.
 * Needs `npm run build` first (it runs the built API and worker).
 *
 *   npx ts-node --transpile-only bench/api-throughput.bench.ts [--seconds S] [--rounds N] [--rate R]
 */
import { JwtService } from '@nestjs/jwt';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { loadConfig } from '../src/config/app-config';
import { Api } from '../scripts/lib/api-client';
import { validBsn } from '../scripts/lib/bsn-series';
import { recreateDatabase, startStack } from '../scripts/lib/stack';
import { percentile } from './national-dataset';
import { argumentOf, Spread, spreadOf } from './statistics';

const CONNECTIONS = 50;
const SCHOOLS = 50;
const API_PORT = 3210;
const BARE_PORT = 3211;
const PATH = '/api/v1/hours-declarations';
const log = (message: string): void => void process.stderr.write(`[api-throughput bench] ${message}\n`);

export interface Figures {
  perSecond: number;
  requests: number;
  errors: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** CPU time the server process spent per request (user + system): unlike the rate, hardly moved by other load. */
  serverCpuMsPerRequest: number;
}

export interface ApiThroughputResult {
  connections: number;
  secondsPerMeasurement: number;
  rounds: { bare: Figures; oneSchool: Figures; fiftySchools: Figures }[];
  /** Over the rounds: submissions a second and the ratio to the bare endpoint of the same round. */
  summary: {
    bare: Spread;
    oneSchool: Spread;
    fiftySchools: Spread;
    oneSchoolRatio: Spread;
    fiftySchoolsRatio: Spread;
    p99Ms: { oneSchool: Spread; fiftySchools: Spread };
  };
  submissionToFlag: {
    perSecond: number;
    submissions: number;
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    maxMs: number;
  };
  /** Peak resident set size (VmHWM) of each process over the run, and its resident size at the end. */
  memoryMb: Record<'api' | 'worker' | 'bare', { peak: number; last: number }>;
  targets: Record<string, boolean>;
}

/**
 * Every submission names a learner of its own, as a school's declarations mostly do: a few learners with
 * thousands of declarations each would make every check of them re-check thousands of records.
 */
let learners = 0;
const body = (i: number): string =>
  JSON.stringify({
    learnerBsn: validBsn(learners++),
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-30',
    hours: 10 + (i % 50),
    issuedOn: '2024-07-10',
  });

/** One autocannon measurement; every connection sends with one of `tokens` (connection n with tokens[n % length]). */
/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(
  server: { port: number; pid: number },
  seconds: number,
  tokens: string[],
  /** At a fixed rate, recording when each declaration was accepted (its 201 arrived), by id. */
  fixedRate?: { perSecond: number; acceptedAt: Map<string, number> },
) {
  const overallRate = fixedRate?.perSecond;
  const port = server.port;
  const cpuBefore = cpuMsOf(server.pid);
  const latencies: number[] = [];
  let sent = 0;
  let connection = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        // At a fixed rate, one connection per submission a second, each sending one a second for `seconds` ticks.
        // autocannon sends a connection's share of a second back to back from the tick, and drops what is not
        // sent by the next one: with several a connection, the sender fell short of the rate whenever the API
        // was slow (188/s for 200/s).
        connections: overallRate ?? CONNECTIONS,
        duration: seconds,
        overallRate,
        amount: overallRate ? overallRate * seconds : undefined,
        requests: [
          {
            method: 'POST',
            path: PATH,
            setupRequest: (request, context: { token?: string }) => {
              context.token ??= tokens[connection++ % tokens.length];
              return {
                ...request,
                headers: { authorization: `Bearer ${context.token}`, 'content-type': 'application/json' },
                body: body(sent++),
              };
            },
            // From the 201 on: autocannon sets a request up before its turn at a fixed rate, so the set-up
            // time would count its wait for the turn.
            onResponse: (status, responseBody) => {
              if (fixedRate && status === 201)
                fixedRate.acceptedAt.set(JSON.parse(responseBody).id, Date.now());
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon emits (client, status, bytes, responseTime in ms, to the nanosecond); its type declarations omit
    // the client. Kept to a tenth of a millisecond.
    instance.on('response', (...args: unknown[]) =>
      latencies.push(Math.round((args[3] as number) * 10) / 10),
    );
  });
  latencies.sort((a, b) => a - b);
  const figures: Figures = {
    perSecond: Math.round(result.requests.total / (result.duration || seconds)),
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? 0,
    },
    serverCpuMsPerRequest:
      Math.round(((cpuMsOf(server.pid) - cpuBefore) / Math.max(1, result.requests.total)) * 1000) / 1000,
  };
  return figures;
}

/** Peak and current resident memory of a process, in MB, from /proc. */
function memoryOf(pid: number): { peak: number; last: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined; // exited
  }
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: Math.round(kb('VmHWM') / 1024), last: Math.round(kb('VmRSS') / 1024) };
}

async function startBare(databaseUrl: string, schoolId: string, learnerId: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'bench/bare-nest-server.ts'],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        BARE_SCHOOL_ID: schoolId,
        BARE_LEARNER_ID: learnerId,
        PORT: String(BARE_PORT),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return child;
}

/** Submits at `rate` a second through the API (worker running) and times each declaration until a flag on it shows. */
async function submissionToFlag(
  api: { port: number; pid: number },
  pool: Pool,
  tokens: string[],
  rate: number,
  seconds: number,
) {
  const acceptedAt = new Map<string, number>();
  const latencies: number[] = [];
  let submitting = true;
  // Polls while submitting: a flag is timed from its declaration's 201 to the first poll that sees it.
  const poller = (async () => {
    const deadline = Date.now() + seconds * 1000 + 120_000;
    while ((submitting || acceptedAt.size > 0) && Date.now() < deadline) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT DISTINCT subject_id AS id FROM flags WHERE subject_id = ANY($1)`,
        [[...acceptedAt.keys()]],
      );
      const seen = Date.now();
      for (const row of rows) {
        latencies.push(seen - acceptedAt.get(row.id)!);
        acceptedAt.delete(row.id);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const figures = await measure(api, seconds, tokens, { perSecond: rate, acceptedAt });
  // Sent in `seconds` one-second ticks: autocannon's duration would count the last tick as the moment its burst
  // was answered, not as a second.
  const perSecond = Math.round(figures.requests / seconds);
  submitting = false;
  log(`submitted ${figures.requests} at ${rate}/s (${figures.errors} errors); waiting for their flags`);
  await poller;
  if (acceptedAt.size > 0) throw new Error(`${acceptedAt.size} declarations without a flag after 120 s`);
  latencies.sort((a, b) => a - b);
  return {
    perSecond,
    submissions: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? 0,
  };
}

/** Waits (up to 10 minutes) until the pending-checks outbox is empty. */
async function drained(pool: Pool): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pending_checks`);
    if (rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the worker did not work off the outbox within 10 minutes');
}

async function main(): Promise<void> {
  const seconds = argumentOf('seconds', 15);
  const rounds = argumentOf('rounds', 3);
  const rate = argumentOf('rate', 200);
  const config = loadConfig();
  const url = new URL(config.databaseUrl);
  url.pathname = '/taalschool_bench_api';
  const databaseUrl = url.toString();
  await recreateDatabase(databaseUrl);
  const stack = await startStack({
    env: { DATABASE_URL: databaseUrl, QUEUE_PREFIX: `bench-api-${process.pid}`, LOG_LEVEL: 'warn' },
    port: API_PORT,
    logDir: 'var/bench/api-throughput',
    worker: false, // the API alone is measured first; the checks wait in the outbox
  });
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  let bare: ChildProcess | undefined;
  const memory = { api: { peak: 0, last: 0 }, worker: { peak: 0, last: 0 }, bare: { peak: 0, last: 0 } };
  const sample = (): void => {
    for (const [name, pid] of [
      ['api', stack.pid('api')],
      ['worker', stack.pid('worker')],
      ['bare', bare?.pid],
    ] as [keyof typeof memory, number | undefined][]) {
      if (!pid) continue;
      const now = memoryOf(pid);
      if (now) memory[name] = { peak: Math.max(memory[name].peak, now.peak), last: now.last };
    }
  };
  const sampler = setInterval(sample, 500);
  try {
    const admin = await Api.login(stack.baseUrl, config.admin.email, config.admin.password);
    const jwt = new JwtService({ secret: config.jwt.secret });
    const tokens: string[] = [];
    for (let n = 0; n < SCHOOLS; n++) {
      const school = await admin.post<{ id: string }>('/schools', {
        name: `Bench Taalschool ${n + 1}`,
        kvkNumber: String(99_000_001 + n),
      });
      const user = await admin.post<{ id: string }>('/users', {
        email: `bench-school-${n + 1}@bench.example`,
        password: 'bench-password-long-enough',
        role: 'SCHOOL',
        schoolId: school.id,
      });
      tokens.push(jwt.sign({ sub: user.id }, { algorithm: 'HS256', expiresIn: 3600 }));
    }
    log('warming up');
    const api = { port: API_PORT, pid: stack.pid('api')! };
    await measure(api, 5, tokens);
    const [ids] = (
      await pool.query(
        `SELECT (SELECT id FROM schools ORDER BY kvk_number LIMIT 1) AS school, (SELECT id FROM learners LIMIT 1) AS learner`,
      )
    ).rows;
    bare = await startBare(databaseUrl, ids.school, ids.learner);
    const bareServer = { port: BARE_PORT, pid: bare.pid! };
    await measure(bareServer, 5, tokens);

    const results: ApiThroughputResult['rounds'] = [];
    for (let round = 1; round <= rounds; round++) {
      const bareFigures = await measure(bareServer, seconds, tokens);
      const oneSchool = await measure(api, seconds, tokens.slice(0, 1));
      const fiftySchools = await measure(api, seconds, tokens);
      log(
        `round ${round}: bare ${bareFigures.perSecond}/s (${bareFigures.serverCpuMsPerRequest} CPU ms each), ` +
          `one school ${oneSchool.perSecond}/s (p99 ${oneSchool.latencyMs.p99} ms, ${oneSchool.serverCpuMsPerRequest} CPU ms), ` +
          `50 schools ${fiftySchools.perSecond}/s (p99 ${fiftySchools.latencyMs.p99} ms, ${fiftySchools.serverCpuMsPerRequest} CPU ms)`,
      );
      results.push({ bare: bareFigures, oneSchool, fiftySchools });
    }
    bare.kill('SIGTERM');

    // Autovacuum may be off (it is on the CI machines: conf.d/90-ci.conf); the planner then knows nothing of what
    // the rounds wrote. Analyse as autovacuum would, before the worker checks it and again after.
    await pool.query('ANALYZE');
    await stack.restart('worker');
    await drained(pool); // the worker first checks what the throughput rounds submitted
    await pool.query('ANALYZE');
    const latency = await submissionToFlag(api, pool, tokens, rate, seconds);
    log(`submission to flag at ${rate}/s: p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms`);
    sample();

    const ratio = (round: (typeof results)[number], api: Figures): number =>
      Math.round((api.perSecond / round.bare.perSecond) * 100) / 100;
    const summary: ApiThroughputResult['summary'] = {
      bare: spreadOf(results.map((r) => r.bare.perSecond)),
      oneSchool: spreadOf(results.map((r) => r.oneSchool.perSecond)),
      fiftySchools: spreadOf(results.map((r) => r.fiftySchools.perSecond)),
      oneSchoolRatio: spreadOf(results.map((r) => ratio(r, r.oneSchool))),
      fiftySchoolsRatio: spreadOf(results.map((r) => ratio(r, r.fiftySchools))),
      p99Ms: {
        oneSchool: spreadOf(results.map((r) => r.oneSchool.latencyMs.p99)),
        fiftySchools: spreadOf(results.map((r) => r.fiftySchools.latencyMs.p99)),
      },
    };
    const result: ApiThroughputResult & Record<string, unknown> = {
      bench: 'api-throughput',
      endpoint: `POST ${PATH}`,
      connections: CONNECTIONS,
      secondsPerMeasurement: seconds,
      rounds: results,
      summary,
      submissionToFlag: latency,
      memoryMb: memory,
      targets: {
        atLeast1500PerSecond: summary.oneSchool.median >= 1500 && summary.fiftySchools.median >= 1500,
        p99Under100Ms: summary.p99Ms.oneSchool.median < 100 && summary.p99Ms.fiftySchools.median < 100,
        atLeastHalfOfBare: summary.oneSchoolRatio.median >= 0.5 && summary.fiftySchoolsRatio.median >= 0.5,
        submissionToFlagP95Under1sAtRate: latency.p95Ms < 1000 && latency.perSecond >= rate,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
    bare?.kill('SIGTERM');
    await pool.end();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
