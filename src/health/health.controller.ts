import { Controller, Get, HttpStatus, Inject, OnModuleDestroy, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { createRedis } from '../queue/redis';
import { WorkerHeartbeat } from './worker-heartbeat.service';

type Check = 'up' | 'down';

export class HealthResponse {
  status: 'ok' | 'unavailable';
  postgres: Check;
  redis: Check;
  /** When a worker last handled its heartbeat job (informational: does not decide the status). */
  workerLastSeenAt: string | null;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

@ApiTags('health')
@Controller('health')
export class HealthController implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly heartbeat: WorkerHeartbeat,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Fail fast: a health check must answer even while Redis is gone.
    this.redis = createRedis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
    });
    this.redis.on('error', () => undefined);
  }

  /** 200 when PostgreSQL and Redis answer, 503 otherwise. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthResponse> {
    const [postgres, redis] = await Promise.all([
      this.probe(() => this.dataSource.query('SELECT 1')),
      this.probe(() => this.pingRedis()),
    ]);
    const ok = postgres === 'up' && redis === 'up';
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const lastBeat = redis === 'up' ? await withTimeout(this.heartbeat.last(), 1000).catch(() => null) : null;
    return {
      status: ok ? 'ok' : 'unavailable',
      postgres,
      redis,
      workerLastSeenAt: lastBeat?.handledAt ?? null,
    };
  }

  private async pingRedis(): Promise<unknown> {
    if (this.redis.status === 'wait' || this.redis.status === 'end')
      await this.redis.connect().catch(() => undefined);
    return this.redis.ping();
  }

  private async probe(check: () => Promise<unknown>): Promise<Check> {
    try {
      await withTimeout(check(), 2000);
      return 'up';
    } catch {
      return 'down';
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
