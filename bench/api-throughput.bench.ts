/**
 * API submission throughput and latency vs. a plain pg insert (issue 6). Starts the built API (no
 * worker: the API alone is measured; the pending checks wait in Redis) on a scratch database, then
 * sends POST /hours-declarations from 50 concurrent keep-alive connections on loopback (Node's http,
 * an autocannon-style closed loop bounded by a request count and a time limit), and in the same run
 * inserts the same rows straight into hours_declarations from 50 pg connections. Prints one JSON
 * object to stdout; progress goes to stderr. Needs `npm run build` first.
 *
 *   npx ts-node --transpile-only bench/api-throughput.bench.ts [--requests N] [--seconds S]
 */
import { Agent, request } from 'node:http';
import { Pool } from 'pg';
import { loadConfig } from '../src/config/app-config';
import { Api } from '../scripts/lib/api-client';
import { validBsn } from '../scripts/lib/bsn-series';
import { recreateDatabase, startStack } from '../scripts/lib/stack';

const CONNECTIONS = 50;
const PORT = 3210;
const log = (message: string): void => void process.stderr.write(`[api-throughput bench] ${message}\n`);

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
  return value;
}

export interface ApiThroughputResult {
  api: Figures;
  baseline: Figures & { what: string };
  ratio: number;
}

interface Figures {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

/** A closed loop: `connections` workers each send the next request when the previous one answered. */
async function closedLoop(
  total: number,
  seconds: number,
  connections: number,
  send: (i: number) => Promise<boolean>,
): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total && Date.now() < deadline) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const ok = await send(i).catch(() => false);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return {
    requests: latencies.length,
    errors,
    seconds: Math.round(elapsed * 100) / 100,
    perSecond: Math.round(latencies.length / elapsed),
    latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) },
  };
}

async function main(): Promise<void> {
  const total = argument('requests', 20_000);
  const seconds = argument('seconds', 60);
  const config = loadConfig();
  const url = new URL(config.databaseUrl);
  url.pathname = '/taalschool_bench_api';
  await recreateDatabase(url.toString());
  const stack = await startStack({
    env: { DATABASE_URL: url.toString(), QUEUE_PREFIX: `bench-api-${process.pid}`, LOG_LEVEL: 'warn' },
    port: PORT,
    logDir: 'var/bench/api-throughput',
    worker: false,
  });
  const pool = new Pool({ connectionString: url.toString(), max: CONNECTIONS });
  try {
    const admin = await Api.login(stack.baseUrl, config.admin.email, config.admin.password);
    const school = await admin.post<{ id: string }>('/schools', {
      name: 'Bench Taalschool',
      kvkNumber: '99000001',
    });
    await admin.post('/users', {
      email: 'bench-school@bench.example',
      password: 'bench-password',
      role: 'SCHOOL',
      schoolId: school.id,
    });
    const schoolApi = await Api.login(stack.baseUrl, 'bench-school@bench.example', 'bench-password');
    const learners = Array.from({ length: 1000 }, (_, i) => validBsn(i));
    const body = (i: number): string =>
      JSON.stringify({
        learnerBsn: learners[i % learners.length],
        purpose: 'AGI',
        periodStart: '2024-01-01',
        periodEnd: '2024-06-30',
        hours: 10 + (i % 50),
        issuedOn: '2024-07-10',
      });

    // Warm up (and create the learners), then measure.
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const post = (i: number): Promise<boolean> =>
      new Promise((resolve, reject) => {
        const payload = body(i);
        const req = request(
          {
            host: '127.0.0.1',
            port: PORT,
            path: '/api/v1/hours-declarations',
            method: 'POST',
            agent,
            headers: {
              authorization: `Bearer ${schoolApi.token}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode === 201));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    log(`warming up: ${learners.length} learners`);
    await closedLoop(learners.length, seconds, CONNECTIONS, post);
    log(`API: up to ${total} requests or ${seconds} s, ${CONNECTIONS} connections`);
    const api = await closedLoop(total, seconds, CONNECTIONS, post);
    agent.destroy();

    // Baseline: the same rows as single-row INSERTs from as many connections.
    await Promise.all(Array.from({ length: CONNECTIONS }, () => pool.query('SELECT 1'))); // open every connection first
    const learnerIds: string[] = (await pool.query('SELECT id FROM learners ORDER BY id')).rows.map(
      (r: { id: string }) => r.id,
    );
    log(`baseline: ${api.requests} plain INSERTs, ${CONNECTIONS} connections`);
    const baseline = await closedLoop(api.requests, seconds, CONNECTIONS, async (i) => {
      await pool.query(
        `INSERT INTO hours_declarations (school_id, learner_id, purpose, period_start, period_end, hours, issued_on)
         VALUES ($1, $2, 'AGI', '2024-01-01', '2024-06-30', $3, '2024-07-10')`,
        [school.id, learnerIds[i % learnerIds.length], 10 + (i % 50)],
      );
      return true;
    });
    const result: ApiThroughputResult & Record<string, unknown> = {
      bench: 'api-throughput',
      endpoint: 'POST /api/v1/hours-declarations',
      connections: CONNECTIONS,
      api,
      baseline: { what: 'single-row INSERT INTO hours_declarations (pg, same rows)', ...baseline },
      ratio: Math.round((api.perSecond / baseline.perSecond) * 1000) / 1000,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pool.end();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
