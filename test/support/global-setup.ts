import { mkdirSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { generateSwaggerMetadata } from '../../scripts/swagger-metadata';
import { dataSourceOptions, migrateWithLock } from '../../src/database/data-source';
import { databaseUrl, TEMPLATE_DATABASE, TEST_LOG_DIR } from './test-env';

/**
 * Once per run: the whole program type-checked and the swagger metadata generated from it (the workers transpile
 * file by file), and a template database with every migration applied; each test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  const typeErrors = generateSwaggerMetadata();
  if (typeErrors) throw new Error(`type errors:\n${typeErrors}`);
  rmSync(TEST_LOG_DIR, { recursive: true, force: true });
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const admin = new Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  // Databases of earlier, interrupted runs: those nobody is connected to (a concurrent jest run's are in use).
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT d.datname FROM pg_database d WHERE d.datname LIKE 'taalschool_test_f%'
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
  );
  for (const { datname } of rows)
    await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
  await admin.end();

  const dataSource = new DataSource(dataSourceOptions({ databaseUrl: databaseUrl(TEMPLATE_DATABASE) }));
  await dataSource.initialize();
  await migrateWithLock(dataSource);
  await dataSource.destroy();
}
