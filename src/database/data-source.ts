import { DataSource, DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { seedRules } from '../rules/catalogue/seed-rules';
import { AppConfig, loadConfig } from '../config/app-config';
import { SnakeNamingStrategy } from './naming';

/** Connections per process (API, worker); the bare baseline of the submission bench uses as many. */
export const CONNECTION_POOL_SIZE = 10;

/** Options shared by the API, the worker and the TypeORM CLI. The schema only ever comes from migrations. */
export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    migrationsRun: false,
    migrations,
    migrationsTableName: 'migrations',
    // A bounded wait for a connection: with Postgres down a request fails (503) in seconds instead of hanging.
    extra: { max: CONNECTION_POOL_SIZE, application_name: 'taalschool-compliance', connectionTimeoutMillis: 5_000 },
  };
}

const advisoryLockKey = 727_001; // any constant shared by every process that migrates

/**
 * Runs pending migrations under a Postgres advisory lock, so the API and worker may start together; then seeds
 * the `rules` table from the rule catalogue.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [advisoryLockKey]);
    await dataSource.runMigrations({ transaction: 'each' });
    await seedRules(dataSource.manager);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [advisoryLockKey]).catch(() => undefined);
    await runner.release();
  }
}

/** The DataSource the TypeORM CLI uses (`npm run migration:run`). */
export default new DataSource(dataSourceOptions(loadConfig()));
