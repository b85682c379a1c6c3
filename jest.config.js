/** Unit tests (*.spec.ts beside the code) and integration tests (test/**) against real Postgres and Redis. */
// Dates in tests are read in UTC however jest is started (npx jest, an IDE); the workers inherit it.
process.env.TZ = 'UTC';

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/jobs/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        isolatedModules: false,
        // The same swagger plugin as `nest build`, so the OpenAPI document under test is the real one.
        astTransformers: { before: ['<rootDir>/test/support/swagger-transformer.js'] },
      },
    ],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  // Generous: a test file boots an API (and a worker) and hashes passwords; a busy 2-core machine is slow.
  testTimeout: 180000,
};
