/**
 * Starts the built API and worker as child processes on a scratch database (for the scorecard and
 * the benchmarks), and the small helpers around it. The demo starts its processes from bash instead.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { pollUntil } from './api-client';

/** Drops and creates the database named in the URL (the server's `postgres` database does the work). */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to recreate database "${name}"`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** Deletes every key under a BullMQ queue prefix (the demo's own prefix: no job of an earlier run lingers). */
export async function clearQueues(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export async function waitForHealth(baseUrl: string, timeoutMs = 90_000): Promise<void> {
  await pollUntil(`${baseUrl}/api/v1/health`, timeoutMs, async () => {
    try {
      const response = await fetch(`${baseUrl}/api/v1/health`);
      return response.ok ? true : undefined;
    } catch {
      return undefined; // not listening yet
    }
  });
}

export type StackProcess = 'api' | 'worker';

export interface Stack {
  baseUrl: string;
  stop(): Promise<void>;
  /** `kill -9` of one process (fault injection); resolves once it has exited. */
  kill(which: StackProcess): Promise<void>;
  /** The process id of a running process. */
  pid(which: StackProcess): number | undefined;
  /** Starts a killed process again (the API: until health answers). */
  restart(which: StackProcess): Promise<void>;
}

const SCRIPTS: Record<StackProcess, string> = { api: 'dist/src/main.js', worker: 'dist/jobs/worker.js' };

/** The built API (dist/src/main.js) and worker (dist/jobs/worker.js) with these settings, logging to logDir. */
export async function startStack(options: {
  env: Record<string, string>;
  port: number;
  logDir: string;
  /** Start the worker too (default); without it, jobs wait in Redis. */
  worker?: boolean;
}): Promise<Stack> {
  mkdirSync(options.logDir, { recursive: true });
  const env = { ...process.env, ...options.env, PORT: String(options.port) };
  const children = new Map<StackProcess, ChildProcess>();
  const start = (which: StackProcess): void => {
    // STACK_NODE_ARGS: node flags for the API and worker, e.g. `--cpu-prof` to profile them under a bench.
    const nodeArgs = process.env.STACK_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, SCRIPTS[which]], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(join(options.logDir, `${which}.log`), { flags: 'a' });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    children.set(which, child);
  };
  const exited = (child: ChildProcess, signal: NodeJS.Signals): Promise<void> =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  // The API migrates the database first; the worker waits for the same advisory lock.
  start('api');
  if (options.worker !== false) start('worker');
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map((child) => exited(child, 'SIGTERM')));
  };
  const baseUrl = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHealth(baseUrl);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; see ${options.logDir}/api.log`);
  }
  return {
    baseUrl,
    stop,
    kill: async (which) => {
      const child = children.get(which);
      if (child) await exited(child, 'SIGKILL');
    },
    pid: (which) => children.get(which)?.pid,
    restart: async (which) => {
      start(which);
      if (which === 'api') await waitForHealth(baseUrl);
    },
  };
}
