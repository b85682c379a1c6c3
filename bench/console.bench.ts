/**
 * The console's two busiest pages on the national data set, next to the same reads through the API.
 *
 *   npx ts-node --transpile-only bench/console.bench.ts [--scale 1 | --quick]
 *
 * Loads the national data set (bench/national-dataset.ts), raises its flags with one check run (about
 * 21,000), then, signed in as an auditor, times sequential requests on loopback:
 *  - console: the Werkvoorraad's first page (`GET /console/flags`) and a flag's page (`GET /console/flags/{id}`);
 *  - API: the same reads (`GET /api/v1/flags?page=1&pageSize=50`, `GET /api/v1/flags/{id}`).
 * The time is from request to last byte on loopback: the server's time plus a fraction of a millisecond.
 * Prints one JSON object to stdout; progress goes to stderr.
 */
import 'reflect-metadata';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startWorker } from '../jobs/bootstrap-worker';
import { createApi } from '../src/bootstrap';
import { CheckRunsService } from '../src/checks/check-runs.service';
import { SYSTEM_ACTOR } from '../src/common/auth/actor';
import { AppConfig, loadConfig } from '../src/config/app-config';
import {
  BENCH_ENV,
  loadNationalDataset,
  percentile,
  scaleArgument,
  seconds,
  withDatabase,
} from './national-dataset';

const log = (message: string): void => void process.stderr.write(`[console bench] ${message}\n`);
const REQUESTS = process.argv.includes('--quick') ? 20 : 200;
const AUDITOR = { email: 'bench-auditor@bench.example', password: 'bench-auditor-password' };

interface Timing {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

async function time(label: string, request: (i: number) => Promise<Response>): Promise<Timing> {
  for (let i = 0; i < 5; i++) await (await request(i)).text(); // warm-up: plans and template caches
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = process.hrtime.bigint();
    const response = await request(i);
    await response.text();
    if (response.status !== 200) throw new Error(`${label} answered ${response.status}`);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const timing = {
    requests: REQUESTS,
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    maxMs: round(ms[ms.length - 1]),
  };
  log(`${label}: p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms`);
  return timing;
}

/** Signs in through the console's own form; gives the session cookie. */
async function consoleCookie(baseUrl: string): Promise<string> {
  const form = await fetch(`${baseUrl}/console/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const response = await fetch(`${baseUrl}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, ...AUDITOR }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 303 || !cookie) throw new Error(`console sign-in answered ${response.status}`);
  return cookie;
}

async function main(): Promise<void> {
  const scale = scaleArgument();
  const suffix = randomBytes(4).toString('hex');
  const server = loadConfig(process.env, BENCH_ENV).databaseUrl;
  const database = `taalschool_bench_console_${suffix}`;
  mkdirSync('var', { recursive: true });
  const config: AppConfig = loadConfig(process.env, {
    ...BENCH_ENV,
    PORT: '0',
    DATABASE_URL: withDatabase(server, database),
    QUEUE_PREFIX: `bench-console-${suffix}`,
    LOG_FILE: join('var', `bench-console-${suffix}.log`),
  });
  const admin = new Client({ connectionString: withDatabase(server, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  let worker: INestApplicationContext | undefined;
  let api: INestApplication | undefined;
  const db = new Client({ connectionString: config.databaseUrl });
  try {
    worker = await startWorker(config);
    await db.connect();
    const loadStarted = Date.now();
    await loadNationalDataset(db, scale, log);
    log(`loaded in ${seconds(loadStarted)} s`);
    const checkRuns = worker.get(CheckRunsService);
    const { id: runId } = await checkRuns.start(SYSTEM_ACTOR, {}, 'MANUAL');
    for (;;) {
      const run = await checkRuns.get(runId);
      if (run.status === 'FAILED') throw new Error('check run FAILED');
      if (run.status === 'DONE') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const flags = Number((await db.query(`SELECT count(*) AS n FROM flags`)).rows[0].n);
    log(`${flags} flags raised`);

    api = await createApi(config);
    await api.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
    const adminToken = await bearerToken(baseUrl, BENCH_ENV.ADMIN_EMAIL, BENCH_ENV.ADMIN_PASSWORD);
    await fetch(`${baseUrl}/api/v1/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...AUDITOR, role: 'AUDITOR' }),
    });
    const token = await bearerToken(baseUrl, AUDITOR.email, AUDITOR.password);
    const cookie = await consoleCookie(baseUrl);
    // Flags of every rule, the first page's order: HIGH first, oldest first.
    const flagIds: string[] = (
      await db.query(`SELECT DISTINCT ON (rule_code) id FROM flags ORDER BY rule_code, raised_at, id`)
    ).rows.map((r: { id: string }) => r.id);
    const asConsole = { headers: { Cookie: cookie } };
    const asApi = { headers: { Authorization: `Bearer ${token}` } };
    const result = {
      scale,
      flags,
      console: {
        werkvoorraadFirstPage: await time('console Werkvoorraad', () =>
          fetch(`${baseUrl}/console/flags`, asConsole),
        ),
        flagPage: await time('console flag page', (i) =>
          fetch(`${baseUrl}/console/flags/${flagIds[i % flagIds.length]}`, asConsole),
        ),
      },
      api: {
        flagsFirstPage: await time('API GET /flags', () =>
          fetch(`${baseUrl}/api/v1/flags?page=1&pageSize=50`, asApi),
        ),
        flag: await time('API GET /flags/{id}', (i) =>
          fetch(`${baseUrl}/api/v1/flags/${flagIds[i % flagIds.length]}`, asApi),
        ),
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await api?.close();
    await worker?.close();
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function bearerToken(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

main().catch((error: Error) => {
  log(error.stack ?? error.message);
  process.exit(1);
});
