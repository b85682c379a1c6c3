/**
 * npm run bench [-- --quick]
 *
 * Runs every benchmark of bench/ one after the other (each measures its figure next to its raw
 * baseline in the same run and prints one JSON object), and writes BENCHMARKS.md with the machine,
 * the date and the versions. --quick runs tiny sizes, to check that the benchmarks work (the file
 * then says so). Builds first: the API benchmark runs the built API.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import Redis from 'ioredis';
import { Client } from 'pg';
import { loadConfig } from '../src/config/app-config';
import type { ApiThroughputResult } from './api-throughput.bench';

interface Bench {
  file: string;
  title: string;
  target: string;
  args: (quick: boolean) => string[];
  /** The headline of a result, when this orchestrator knows its fields. */
  summary?: (result: Record<string, unknown>) => string;
}

const BENCHES: Bench[] = [
  {
    file: 'bench/api-throughput.bench.ts',
    title:
      'Submissions: POST /hours-declarations at 50 connections (autocannon) vs. a bare NestJS endpoint doing one pg INSERT; submission to flag',
    target:
      'issue 13: at least 1,500 submissions/s with p99 under 100 ms, at least 0.5 of the bare endpoint, on one school and on 50; submission to flag p95 under 1 s at 200/s',
    args: (quick) => (quick ? ['--seconds', '3', '--rounds', '1', '--rate', '50'] : []),
    summary: (result) => {
      const { summary: s, submissionToFlag: f, memoryMb: m } = result as unknown as ApiThroughputResult;
      const median = (x: { median: number; min: number; max: number }, unit = ''): string =>
        `${x.median}${unit} (${x.min}-${x.max})`;
      return (
        `medians over the rounds (min-max): one school ${median(s.oneSchool, '/s')}, p99 ${median(s.p99Ms.oneSchool, ' ms')}, ` +
        `ratio ${median(s.oneSchoolRatio)}; 50 schools ${median(s.fiftySchools, '/s')}, p99 ${median(s.p99Ms.fiftySchools, ' ms')}, ` +
        `ratio ${median(s.fiftySchoolsRatio)}; bare NestJS ${median(s.bare, '/s')}. ` +
        `Submission to flag at ${f.perSecond}/s: p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms. ` +
        `Peak RSS: API ${m.api.peak} MB, worker ${m.worker.peak} MB, bare ${m.bare.peak} MB`
      );
    },
  },
  {
    file: 'bench/lesson-import.bench.ts',
    title: 'Lesson CSV import (POST /lessons/imports + worker) vs. raw COPY',
    target: 'issue 3: at least half the raw COPY speed (ratio >= 0.5) on 1,000,000 attendance rows',
    args: (quick) => (quick ? ['--rows', '24000'] : []),
  },
  {
    file: 'bench/check-run.bench.ts',
    title:
      'Full national check run (one worker at concurrency 1 and at its default, two workers) vs. the same SQL straight; submission-to-flag latency under load',
    target:
      'issue 13: full run at most 15 s, within 1.1x of the straight SQL, two workers faster than one (issue 4: ' +
      'under 60 s, within 2x); flags of a submission visible within 2 s',
    args: (quick) => (quick ? ['--quick'] : []),
    summary: (result) => {
      type Spread = { min: number; median: number; max: number };
      const r = result as {
        rounds: number;
        straightSql: Spread;
        checkRunOneWorker: Spread;
        checkRunOneWorkerDefaultConcurrency: Spread;
        defaultWorkerConcurrency: number;
        checkRunTwoWorkers: Spread;
        ratioToStraightSql: number;
        ratioToStraightSqlPerRound: number[];
        twoWorkersSpeedup: number;
        workerPeakRssMb: { oneWorker: number; twoWorkers: number };
        latency: { perSecond: number; p50Ms: number; p95Ms: number; p99Ms: number };
      };
      const median = (s: Spread): string => `${s.median} s (${s.min}..${s.max})`;
      return (
        `median of ${r.rounds} rounds (min..max): check run ${median(r.checkRunOneWorker)} with one worker at concurrency 1, ` +
        `${median(r.checkRunOneWorkerDefaultConcurrency)} with one worker at its default concurrency (${r.defaultWorkerConcurrency}), ` +
        `${median(r.checkRunTwoWorkers)} with two (speedup ${r.twoWorkersSpeedup}), vs. straight SQL ` +
        `${median(r.straightSql)}: ratio ${r.ratioToStraightSql} (round by round ${r.ratioToStraightSqlPerRound.join(', ')}); worker peak RSS ${r.workerPeakRssMb.oneWorker} MB ` +
        `(two workers: ${r.workerPeakRssMb.twoWorkers} MB each at most); submission-to-flag latency at ` +
        `${r.latency.perSecond}/s p50 ${r.latency.p50Ms} ms, p95 ${r.latency.p95Ms} ms, p99 ${r.latency.p99Ms} ms`
      );
    },
  },
  {
    file: 'bench/console.bench.ts',
    title:
      "Console: the Werkvoorraad's first page and a flag's page on the national data set, next to the API",
    target: 'issue 10: p95 under 150 ms for both pages',
    args: (quick) => (quick ? ['--quick'] : []),
    summary: (result) => {
      const r = result as {
        flags: number;
        console: {
          werkvoorraadFirstPage: { p50Ms: number; p95Ms: number };
          flagPage: { p50Ms: number; p95Ms: number };
        };
        api: { flagsFirstPage: { p50Ms: number; p95Ms: number }; flag: { p50Ms: number; p95Ms: number } };
      };
      return (
        `${r.flags} flags; Werkvoorraad p50 ${r.console.werkvoorraadFirstPage.p50Ms} ms, p95 ${r.console.werkvoorraadFirstPage.p95Ms} ms ` +
        `(API GET /flags p95 ${r.api.flagsFirstPage.p95Ms} ms); flag page p50 ${r.console.flagPage.p50Ms} ms, p95 ${r.console.flagPage.p95Ms} ms ` +
        `(API GET /flags/{id} p95 ${r.api.flag.p95Ms} ms)`
      );
    },
  },
];

const FINDINGS = 'bench/findings.md';

interface Outcome {
  bench: Bench;
  seconds: number;
  result?: Record<string, unknown>;
  failure?: string;
}

/** Runs one benchmark file; its progress goes to our stderr, its JSON result is the last JSON line of stdout. */
function run(bench: Bench, quick: boolean): Promise<Outcome> {
  const started = Date.now();
  if (!existsSync(bench.file))
    return Promise.resolve({ bench, seconds: 0, failure: `${bench.file} does not exist (yet)` });
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', bench.file, ...bench.args(quick)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const json = stdout
        .trim()
        .split('\n')
        .reverse()
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        })
        .find((value) => value && typeof value === 'object');
      if (code === 0 && json) resolve({ bench, seconds, result: json });
      else resolve({ bench, seconds, failure: `exited with ${code}${json ? '' : ', no JSON result'}` });
    });
  });
}

async function versions(): Promise<Record<string, string>> {
  const config = loadConfig();
  const pg = new Client({ connectionString: config.databaseUrl });
  await pg.connect();
  const postgres = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  await pg.end();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  const info = await redis.info('server');
  redis.disconnect();
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  return {
    node: process.version,
    postgres,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? '?',
    ...Object.fromEntries(
      ['@nestjs/core', 'typeorm', 'bullmq', 'pg'].map((name) => [name, pkg.dependencies[name]]),
    ),
  };
}

/** A result object as `key | value` rows (nested objects flattened with dots). */
function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return [[prefix, Array.isArray(value) ? JSON.stringify(value) : String(value)]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    flatten(inner, prefix ? `${prefix}.${key}` : key),
  );
}

function markdown(outcomes: Outcome[], machine: Record<string, string>, quick: boolean): string {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\`${quick ? ' -- --quick' : ''} on ${new Date().toISOString()}. Each figure is measured next to its raw baseline in the same run.`,
    ...(quick
      ? [
          '',
          '**Quick mode: tiny sizes, to check that the benchmarks run. These are not the figures to judge by.**',
        ]
      : []),
    '',
    '## Machine and versions',
    '',
    '| | |',
    '| --- | --- |',
    ...Object.entries(machine).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    '## Results',
  ];
  for (const outcome of outcomes) {
    lines.push(
      '',
      `### ${outcome.bench.title}`,
      '',
      `Target: ${outcome.bench.target}. \`${outcome.bench.file}\`, ${outcome.seconds} s.`,
      '',
    );
    if (!outcome.result) {
      lines.push(`Not measured: ${outcome.failure}.`);
      continue;
    }
    const summary =
      outcome.bench.summary?.(outcome.result) ??
      (outcome.result.ratio !== undefined ? `ratio ${String(outcome.result.ratio)}` : undefined);
    if (summary) lines.push(`**${summary}**`, '');
    lines.push(
      '| figure | value |',
      '| --- | --- |',
      ...flatten(outcome.result).map(([key, value]) => `| ${key} | ${value} |`),
    );
  }
  // What profiling found (written by hand, kept with the benches): where the time goes, not what it is.
  if (existsSync(FINDINGS)) lines.push('', readFileSync(FINDINGS, 'utf8').trim());
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  execSync('npm run build', { stdio: ['ignore', 'ignore', 'inherit'] });
  const machine = {
    cpu: cpus()[0]?.model ?? '?',
    cores: String(cpus().length),
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `${type()} ${release()}`,
    ...(await versions()),
  };
  const outcomes: Outcome[] = [];
  for (const bench of BENCHES) {
    process.stderr.write(`\n[bench] ${bench.file}\n`);
    outcomes.push(await run(bench, quick));
    writeFileSync('BENCHMARKS.md', markdown(outcomes, machine, quick)); // after each: a long run leaves what it has
  }
  for (const o of outcomes)
    console.log(
      `${o.bench.file}: ${o.result ? 'measured' : `NOT measured (${o.failure})`} in ${o.seconds} s`,
    );
  console.log('wrote BENCHMARKS.md');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
