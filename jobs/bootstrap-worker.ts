import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppLogger } from '../src/common/logging/app-logger';
import { AppConfig } from '../src/config/app-config';
import { migrateWithLock } from '../src/database/data-source';
import { JobRunner } from './job-runner';
import { WorkerModule } from './worker.module';

/** Starts a worker: application context (no HTTP), migrations, then consuming the queues. */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new AppLogger('worker', config),
  });
  context.enableShutdownHooks();
  await migrateWithLock(context.get(DataSource));
  await context.get(JobRunner).start();
  return context;
}
