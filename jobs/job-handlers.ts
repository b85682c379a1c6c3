import { Injectable } from '@nestjs/common';
import { ExemptionsService } from '../src/exemptions/exemptions.service';
import { WorkerHeartbeat } from '../src/health/worker-heartbeat.service';
import { ImportProcessor } from '../src/imports/import-processor';
import { JobHandlers, JobName } from '../src/queue/job-catalogue';

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
  ) {}

  handlers(): JobHandlers {
    return {
      [JobName.Heartbeat]: () => this.heartbeat.beat(),
      [JobName.RunImport]: ({ importId }, context) => this.imports.run(importId, context),
      [JobName.EscalateExemptions]: ({ asOf }) => this.exemptions.escalateStalled(asOf),
      // Built by the checks issue (#4): replace with the checks service's run of pending_checks.
      [JobName.RunPendingChecks]: async () => undefined,
    };
  }
}
