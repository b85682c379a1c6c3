import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs a statement as a named prepared statement of its connection (pg's `name`): Postgres parses and plans it
 * once per connection instead of on every call, and only its parameters cross the wire after that. For the
 * statements a busy portal runs for every request; `text` must be the same for every call with this name. Errors
 * come as TypeORM's QueryFailedError, as from `dataSource.query`, for the problem filter to read.
 */
export async function queryPrepared<T>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  try {
    return (await pool.query({ name, text, values })).rows as T[];
  } catch (error) {
    // The database's answer (an SQLSTATE) as TypeORM reports it; no connection or a timeout as pg raised it.
    const sqlState = (error as { code?: unknown }).code;
    if (typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState))
      throw new QueryFailedError(text, values, error as Error);
    throw error;
  }
}
