import { AppConfig, loadConfig } from '../../src/config/app-config';

export const TEMPLATE_DATABASE = 'taalschool_test_template';
export const TEST_LOG_DIR = 'var/test-logs';

export const TEST_ADMIN = { email: 'admin@test.example', password: 'admin-password-1' };

/** Test config: the developer's or CI's servers, fixed test secrets, and a given database and queue prefix. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(process.env, {
    NODE_ENV: 'test',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
    BSN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    BSN_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
    LOG_LEVEL: 'log',
    UPLOAD_DIR: 'var/test-uploads',
    ...overrides,
  });
}

/** The server URL with another database name. */
export function databaseUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/taalschool');
  url.pathname = `/${database}`;
  return url.toString();
}
