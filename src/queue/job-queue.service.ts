import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { defaultJobOptions, JobName, JobPayloads, QueueName, queueOfJob } from './job-catalogue';
import { redisOptions } from './redis';

/** The producer side of the job catalogue. */
@Injectable()
export class JobQueue implements OnModuleDestroy {
  private readonly logger = new Logger(JobQueue.name);
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        prefix: this.config.queuePrefix,
        connection: redisOptions(this.config.redisUrl, {
          maxRetriesPerRequest: 3,
          enableOfflineQueue: false,
        }),
        defaultJobOptions,
      });
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  allQueues(): Queue[] {
    return Object.values(QueueName).map((name) => this.queue(name));
  }

  /**
   * Enqueues a job. Pass a deterministic `jobId` to make a double submission enqueue once.
   * Call only after the transaction that wrote the job's data has committed. Answers the id of the job the
   * queue holds: another one's when the job was deduplicated.
   */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: JobsOptions = {},
  ): Promise<string | undefined> {
    return (await this.queue(queueOfJob[name]).add(name, payload, options)).id;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
