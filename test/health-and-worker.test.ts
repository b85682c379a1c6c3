import { TestApp } from './support/test-app';

const eventually = async <T>(probe: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('health and the worker', () => {
  describe('with Postgres and Redis up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ worker: true });
    });
    afterAll(() => t.close());

    it('answers 200 with both servers up', async () => {
      const health = await t.http.get('/api/v1/health').expect(200);
      expect(health.body).toMatchObject({ status: 'ok', postgres: 'up', redis: 'up' });
    });

    it('has a worker that consumes the queue: its heartbeat job runs and health reports it', async () => {
      const seen = await eventually(
        async () => (await t.http.get('/api/v1/health')).body.workerLastSeenAt as string | null,
      );
      expect(Date.parse(seen)).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  describe('with Redis unreachable', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    });
    afterAll(() => t.close());

    it('answers 503 and names the server that is down', async () => {
      const health = await t.http.get('/api/v1/health').expect(503);
      expect(health.body).toMatchObject({ status: 'unavailable', postgres: 'up', redis: 'down' });
    });
  });
});
