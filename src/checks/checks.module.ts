import { Module } from '@nestjs/common';
import { CheckRunsController } from './check-runs.controller';
import { CheckRunsService } from './check-runs.service';
import { ChecksEngine } from './checks-engine.service';
import { PendingChecksProcessor } from './pending-checks.processor';

/** The checks: the rules engine, the pending-checks outbox processor and check runs. */
@Module({
  controllers: [CheckRunsController],
  providers: [ChecksEngine, PendingChecksProcessor, CheckRunsService],
  exports: [ChecksEngine, PendingChecksProcessor, CheckRunsService],
})
export class ChecksModule {}
