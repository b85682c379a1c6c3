import { Injectable } from '@nestjs/common';
import { CheckRunsService } from '../src/checks/check-runs.service';
import { PendingChecksProcessor } from '../src/checks/pending-checks.processor';
import { ExemptionsService } from '../src/exemptions/exemptions.service';
import { WorkerHeartbeat } from '../src/health/worker-heartbeat.service';
import { ImportProcessor } from '../src/imports/import-processor';
import { JobHandlers, JobName } from '../src/queue/job-catalogue';
import { SYSTEM_ACTOR } from '../src/common/auth/actor';

/**
 * Binds every JobName to the domain service that does the work. The type demands a handler for
 * each job, and the runner checks again at boot.
 */
@Injectable()
export class JobHandlerRegistry {
  constructor(
    private readonly heartbeat: WorkerHeartbeat,
    private readonly imports: ImportProcessor,
    private readonly exemptions: ExemptionsService,
    private readonly pendingChecks: PendingChecksProcessor,
    private readonly checkRuns: CheckRunsService,
  ) {}

  handlers(): JobHandlers {
    return {
      [JobName.Heartbeat]: () => this.heartbeat.beat(),
      [JobName.RunImport]: ({ importId }, context) => this.imports.run(importId, context),
      [JobName.EscalateExemptions]: ({ asOf }) => this.exemptions.escalateStalled(asOf),
      [JobName.RunPendingChecks]: () => this.pendingChecks.runPending(),
      [JobName.CheckRunUnit]: ({ checkRunId, unit, schoolIds }, context) =>
        this.checkRuns.runUnit(checkRunId, unit, schoolIds, context),
      [JobName.FinishCheckRun]: ({ checkRunId }) => this.checkRuns.finish(checkRunId),
      [JobName.NightlyCheckRun]: () => this.checkRuns.start(SYSTEM_ACTOR, {}, 'NIGHTLY'),
    };
  }
}
