import { ConfigError, loadConfig } from './app-config';

const valid = {
  ADMIN_EMAIL: 'admin@example.org',
  ADMIN_PASSWORD: 'long-enough-password',
  JWT_SECRET: 'x'.repeat(40),
  BSN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  BSN_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('loadConfig', () => {
  it('reads a complete environment into one typed object with defaults', () => {
    const config = loadConfig({ ...valid });
    expect(config).toMatchObject({ port: 3000, env: 'development', admin: { email: 'admin@example.org' } });
    expect(config.bsn.encryptionKey).toHaveLength(32);
  });

  it('names every missing or bad variable', () => {
    expect(() => loadConfig({ ...valid, JWT_SECRET: 'short', PORT: 'eighty', ADMIN_EMAIL: '' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ ...valid, JWT_SECRET: 'short', PORT: 'eighty', ADMIN_EMAIL: '' });
    } catch (error) {
      expect((error as Error).message).toMatch(/JWT_SECRET/);
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/ADMIN_EMAIL/);
    }
  });

  it('refuses a BSN key that is not 32 bytes', () => {
    expect(() => loadConfig({ ...valid, BSN_INDEX_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /BSN_INDEX_KEY/,
    );
  });
});
