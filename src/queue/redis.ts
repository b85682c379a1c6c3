import Redis, { RedisOptions } from 'ioredis';

/** ioredis options from a redis:// URL. BullMQ workers need maxRetriesPerRequest null. */
export function redisOptions(url: string, overrides: RedisOptions = {}): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // On disconnect() ioredis ends the socket and arms a timer to destroy it should it stay open; for a
    // connection that never came up (Redis down) the timer always runs out, keeping a closing process alive
    // for its default two seconds (a Jest worker at the end of `npm test` was force-exited for it).
    disconnectTimeout: 200,
    ...overrides,
  };
}

export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(redisOptions(url, overrides));
}
