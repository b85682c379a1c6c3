import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../src/config/app-config';
import {
  JobHandler,
  JobHandlers,
  JobName,
  QueueName,
  queueOfJob,
  repeatableJobs,
} from '../src/queue/job-catalogue';
import { JobQueue } from '../src/queue/job-queue.service';
import { redisOptions } from '../src/queue/redis';
import { JobHandlerRegistry } from './job-handlers';

/** An error for the log: a database error's message may quote a value (a CSV cell, a BSN), so only its code. */
function loggable(error: unknown): string {
  if (error instanceof QueryFailedError)
    return `QueryFailedError (SQLSTATE ${(error.driverError as { code?: string }).code ?? 'unknown'})`;
  return error instanceof Error ? `${error.name}: ${error.message}` : 'non-error thrown';
}

const SCHEDULER_REFRESH_MS = 60_000;

/** Consumes every queue of the catalogue and dispatches each job to its handler. */
@Injectable()
export class JobRunner implements OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly workers: Worker[] = [];
  private reregister?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobHandlerRegistry,
    private readonly jobs: JobQueue,
  ) {}

  async start(): Promise<void> {
    const handlers = this.registry.handlers();
    const missing = Object.values(JobName).filter((name) => typeof handlers[name] !== 'function');
    if (missing.length > 0) throw new Error(`No handler for job(s): ${missing.join(', ')}`);

    for (const queue of Object.values(QueueName)) {
      const worker = new Worker(queue, (job: Job) => this.run(handlers, job), {
        prefix: this.config.queuePrefix,
        connection: redisOptions(this.config.redisUrl, { maxRetriesPerRequest: null }),
        concurrency: this.config.workerConcurrency,
        autorun: true,
      });
      worker.on('error', (error) => this.logger.error(`worker ${queue}: ${error.message}`));
      this.workers.push(worker);
    }
    this.logger.log(
      `consuming ${Object.values(QueueName).join(', ')} with concurrency ${this.config.workerConcurrency}`,
    );
    await this.registerSchedulers();
    // Redis without persistence (or flushed) forgets the schedulers, the outbox reconciler among them:
    // registering them again is idempotent, so do it every minute rather than only at start.
    this.reregister = setInterval(() => {
      this.registerSchedulers().catch((error: unknown) =>
        this.logger.warn(`re-registering the job schedulers failed: ${loggable(error)}`),
      );
    }, SCHEDULER_REFRESH_MS);
    this.reregister.unref();
  }

  private async registerSchedulers(): Promise<void> {
    for (const { name, every, pattern } of repeatableJobs) {
      await this.jobs
        .queue(queueOfJob[name])
        .upsertJobScheduler(
          name,
          { every, pattern, tz: pattern ? 'Europe/Amsterdam' : undefined },
          { name, data: {} },
        );
    }
  }

  private async run(handlers: JobHandlers, job: Job): Promise<unknown> {
    const name = job.name as JobName;
    if (queueOfJob[name] === undefined) throw new Error(`Unknown job ${job.name}`);
    const handler = handlers[name] as JobHandler<typeof name>;
    const started = Date.now();
    this.logger.log(`${name} ${job.id} started (attempt ${job.attemptsMade + 1})`);
    try {
      const result = await handler(job.data, {
        jobId: job.id ?? '',
        attemptsMade: job.attemptsMade,
        isLastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        progress: (value) => job.updateProgress(Math.round(value * 1000) / 1000),
      });
      this.logger.log(`${name} ${job.id} done in ${Date.now() - started}ms`);
      return result;
    } catch (error) {
      // Rethrown so BullMQ records the attempt and retries with backoff.
      this.logger.error(`${name} ${job.id} failed after ${Date.now() - started}ms: ${loggable(error)}`);
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.reregister) clearInterval(this.reregister);
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
