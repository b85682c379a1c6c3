import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppLogger } from '../src/common/logging/app-logger';
import { AppConfig } from '../src/config/app-config';
import { migrateWithLock } from '../src/database/data-source';
import { JobRunner } from './job-runner';
import { WorkerModule } from './worker.module';

/** A worker's application context (no HTTP), migrated, not yet consuming the queues (JobRunner.start does). */
export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new AppLogger('worker', config),
  });
  context.enableShutdownHooks();
  await migrateWithLock(context.get(DataSource));
  return context;
}

/** Starts a worker: application context, migrations, then consuming the queues. */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  const context = await createWorkerContext(config);
  await context.get(JobRunner).start();
  return context;
}
