import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HEARTBEAT_KEY } from '../queue/job-catalogue';
import { createRedis } from '../queue/redis';

export interface Heartbeat {
  handledAt: string;
  pid: number;
}

/** The worker's sign of life: a repeatable job records it, health reports it. */
@Injectable()
export class WorkerHeartbeat implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly key: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = createRedis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
    });
    this.redis.on('error', () => undefined);
    this.key = `${config.queuePrefix}:${HEARTBEAT_KEY}`;
  }

  async beat(): Promise<Heartbeat> {
    const heartbeat = { handledAt: new Date().toISOString(), pid: process.pid };
    await this.redis.set(this.key, JSON.stringify(heartbeat));
    return heartbeat;
  }

  async last(): Promise<Heartbeat | null> {
    const value = await this.redis.get(this.key);
    return value ? (JSON.parse(value) as Heartbeat) : null;
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
