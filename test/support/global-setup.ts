import { mkdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrateWithLock } from '../../src/database/data-source';
import { databaseUrl, TEMPLATE_DATABASE, TEST_LOG_DIR } from './test-env';

/** Once per run: a template database with every migration applied; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  rmSync(TEST_LOG_DIR, { recursive: true, force: true });
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const admin = new Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  // Databases of earlier, interrupted runs.
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'taalschool_test_f%'`,
  );
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();

  const dataSource = new DataSource(dataSourceOptions({ databaseUrl: databaseUrl(TEMPLATE_DATABASE) }));
  await dataSource.initialize();
  await migrateWithLock(dataSource);
  await dataSource.destroy();
}
