import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../src/config/app-config';
import { HEARTBEAT_KEY, JobHandlers, JobName } from '../src/queue/job-catalogue';
import { createRedis } from '../src/queue/redis';

/**
 * Binds every JobName to the domain service that does the work. The type demands a handler for
 * each job, and the runner checks again at boot.
 */
@Injectable()
export class JobHandlerRegistry {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  handlers(): JobHandlers {
    return {
      [JobName.Heartbeat]: async ({ requestedAt }) => {
        const redis = createRedis(this.config.redisUrl);
        try {
          await redis.set(`${this.config.queuePrefix}:${HEARTBEAT_KEY}`, JSON.stringify({ requestedAt, handledAt: new Date().toISOString(), pid: process.pid }));
        } finally {
          redis.disconnect();
        }
      },
      // Built by the checks issue (#4): replace with the checks service's run of pending_checks.
      [JobName.RunPendingChecks]: async () => undefined,
    };
  }
}
