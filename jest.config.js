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
      // Transpiled file by file (tsconfig's isolatedModules), without a type checker: the global setup
      // type-checks the whole program once and generates the swagger plugin's metadata from it
      // (scripts/swagger-metadata.ts). A type-aware transform held 300 to 500 MB per worker, and a worker that
      // large outlived the 500 ms jest gives it to exit.
      {},
    ],
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  // A worker whose heap a test file left above this is replaced by a fresh one before the next file. On these VMs
  // the kernel needs about 1 ms per 2 MB to free a process that ends, and jest gives a worker 500 ms to end at
  // the end of the run (then kills it and warns of a leak): a worker left holding 1.4 GB took 600 ms.
  workerIdleMemoryLimit: '256MB',
  // Generous: a test file boots an API (and a worker) and hashes passwords; a busy 2-core machine is slow.
  testTimeout: 180000,
};
