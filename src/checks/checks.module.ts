import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { CheckRunsController } from './check-runs.controller';
import { CheckRunsService } from './check-runs.service';
import { ChecksEngine } from './checks-engine.service';
import { PendingChecksProcessor } from './pending-checks.processor';
import { RuleSimulator } from './rule-simulator';

/** The checks: the rules engine, the pending-checks outbox processor, check runs and rule simulations. */
@Module({
  imports: [FlagsModule],
  controllers: [CheckRunsController],
  providers: [ChecksEngine, PendingChecksProcessor, CheckRunsService, RuleSimulator],
  exports: [ChecksEngine, PendingChecksProcessor, CheckRunsService, RuleSimulator],
})
export class ChecksModule {}
