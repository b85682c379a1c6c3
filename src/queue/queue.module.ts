import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue.service';
import { PendingChecks } from './pending-checks';

@Global()
@Module({ providers: [JobQueue, PendingChecks], exports: [JobQueue, PendingChecks] })
export class QueueModule {}
