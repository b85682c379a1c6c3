import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { startWorker } from '../../jobs/bootstrap-worker';
import { createApi } from '../../src/bootstrap';
import type { Role } from '../../src/common/auth/actor';
import { AppConfig } from '../../src/config/app-config';
import { databaseUrl, TEMPLATE_DATABASE, TEST_ADMIN, TEST_LOG_DIR, testConfig } from './test-env';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  schoolId: string | null;
  token: string;
  /** For signing in to the console. */
  password: string;
}

/**
 * A fresh database (cloned from the migrated template), its own queue prefix, the real API and,
 * when asked, a real worker. One per test file.
 */
export class TestApp {
  private constructor(
    readonly config: AppConfig,
    readonly app: INestApplication,
    readonly database: string,
    private worker: INestApplicationContext | undefined,
  ) {}

  static async start(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
    const suffix = randomBytes(5).toString('hex');
    const database = `taalschool_test_f${suffix}`;
    await adminQuery(`CREATE DATABASE ${database} TEMPLATE ${TEMPLATE_DATABASE}`);
    const config = testConfig({
      DATABASE_URL: databaseUrl(database),
      QUEUE_PREFIX: `test-${suffix}`,
      LOG_FILE: `${TEST_LOG_DIR}/${suffix}.log`,
      ...options.env,
    });
    const app = await createApi(config);
    // A real listening socket: parallel requests share it (supertest would otherwise listen per request).
    await app.listen(0, '127.0.0.1');
    const worker = options.worker ? await startWorker(config) : undefined;
    return new TestApp(config, app, database, worker);
  }

  get http(): TestAgent {
    return request(this.app.getHttpServer());
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  /** Raw SQL against this test's database (fixtures and assertions the API does not expose). */
  sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(text, params);
  }

  /** The base URL of the loopback port the app listens on (for a real browser). */
  async listen(): Promise<string> {
    const address = this.app.getHttpServer().address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  async startWorker(): Promise<void> {
    this.worker ??= await startWorker(this.config);
  }

  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }

  async login(email: string, password: string): Promise<string> {
    const response = await this.http.post('/api/v1/auth/login').send({ email, password }).expect(200);
    return response.body.accessToken as string;
  }

  adminToken(): Promise<string> {
    return this.login(TEST_ADMIN.email, TEST_ADMIN.password);
  }

  /** A user of the role (SCHOOL users need a school), logged in. */
  async user(role: Role, schoolId?: string): Promise<TestUser> {
    const admin = await this.adminToken();
    const email = `${role.toLowerCase()}-${randomBytes(4).toString('hex')}@test.example`;
    const password = 'user-password-1';
    const created = await this.http
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ email, password, role, ...(schoolId ? { schoolId } : {}) })
      .expect(201);
    return {
      ...(created.body as Omit<TestUser, 'token' | 'password'>),
      token: await this.login(email, password),
      password,
    };
  }

  /** A school created by an auditor, optionally with a keurmerk granted from a date. */
  async school(
    options: { name?: string; kvkNumber?: string; grantedFrom?: string } = {},
  ): Promise<{ id: string; kvkNumber: string }> {
    const admin = await this.adminToken();
    const kvkNumber = options.kvkNumber ?? String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    const created = await this.http
      .post('/api/v1/schools')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: options.name ?? `Taalschool ${kvkNumber}`, kvkNumber })
      .expect(201);
    if (options.grantedFrom) {
      await this.http
        .post(`/api/v1/schools/${created.body.id}/keurmerk-events`)
        .set('Authorization', `Bearer ${admin}`)
        .send({ status: 'GRANTED', effectiveFrom: options.grantedFrom, reason: 'audit passed' })
        .expect(201);
    }
    return { id: created.body.id, kvkNumber };
  }

  async close(): Promise<void> {
    await this.stopWorker();
    await this.app.close();
    await adminQuery(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export const bearer = (user: { token: string } | string): [string, string] => [
  'Authorization',
  `Bearer ${typeof user === 'string' ? user : user.token}`,
];
