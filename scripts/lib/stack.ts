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

export interface Stack {
  baseUrl: string;
  stop(): Promise<void>;
}

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
  const start = (script: string, log: string): ChildProcess => {
    const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(join(options.logDir, log));
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    return child;
  };
  // The API migrates the database first; the worker waits for the same advisory lock.
  const api = start('dist/src/main.js', 'api.log');
  const children = options.worker === false ? [api] : [api, start('dist/jobs/worker.js', 'worker.log')];
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  const baseUrl = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHealth(baseUrl);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; see ${options.logDir}/api.log`);
  }
  return { baseUrl, stop };
}
