import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { JobName } from './job-catalogue';
import { JobQueue } from './job-queue.service';

/**
 * The outbox of checks to run (pending_checks). Written in the same transaction as the change,
 * so work survives a Redis restart: the worker derives what to check from this table.
 */
@Injectable()
export class PendingChecks {
  constructor(private readonly jobs: JobQueue) {}

  /**
   * After the marking transaction has committed: ask a worker to run what is pending. Deduplicated
   * while a run is waiting, so a burst of submissions enqueues one job; should Redis lose it, the
   * worker's reconciler finds the markers anyway.
   */
  async kick(): Promise<void> {
    await this.jobs.enqueue(
      JobName.RunPendingChecks,
      {},
      { deduplication: { id: JobName.RunPendingChecks }, delay: 200 },
    );
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
