import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobName } from './job-catalogue';
import { JobQueue } from './job-queue.service';

/**
 * The outbox of checks to run (pending_checks). Written in the same transaction as the change,
 * so work survives a Redis restart: the worker derives what to check from this table.
 */
@Injectable()
export class PendingChecks {
  private readonly logger = new Logger(PendingChecks.name);

  constructor(private readonly jobs: JobQueue) {}

  /**
   * After the marking transaction has committed: ask a worker to run what is pending. Deduplicated
   * while a run is waiting, so a burst of submissions enqueues one job; should Redis lose it, the
   * worker's reconciler finds the markers anyway. So a failed kick (Redis down) never fails the request
   * whose change has committed: the markers are in Postgres, and the reconciler runs them within seconds.
   */
  async kick(): Promise<void> {
    try {
      await this.jobs.enqueue(
        JobName.RunPendingChecks,
        {},
        { deduplication: { id: JobName.RunPendingChecks }, delay: 200 },
      );
    } catch (error) {
      this.logger.warn(`pending checks not kicked (the reconciler will run them): ${(error as Error).name}`);
    }
  }

  async markSchool(manager: EntityManager, schoolId: string): Promise<void> {
    await manager.query(
      `INSERT INTO pending_checks (scope_type, scope_id) VALUES ('SCHOOL', $1)
       ON CONFLICT (scope_type, scope_id) DO UPDATE SET marked_at = now()`,
      [schoolId],
    );
  }

  async markLearners(manager: EntityManager, learnerIds: string[]): Promise<void> {
    if (learnerIds.length === 0) return;
    await manager.query(
      `INSERT INTO pending_checks (scope_type, scope_id) SELECT 'LEARNER', unnest($1::uuid[])
       ON CONFLICT (scope_type, scope_id) DO UPDATE SET marked_at = now()`,
      [learnerIds],
    );
  }
}
