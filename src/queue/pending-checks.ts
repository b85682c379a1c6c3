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

  /** The kick on its way to Redis, and the one that follows it for callers that came while it was. */
  private sending: Promise<void> | null = null;
  private following: Promise<void> | null = null;

  constructor(private readonly jobs: JobQueue) {}

  /**
   * After the marking transaction has committed: ask a worker to run what is pending. Kicks coalesce: while
   * one is on its way (it may have left before this caller committed), callers share one more that leaves
   * after it, so a burst of submissions costs a few Redis calls, not one each. In Redis the job is
   * deduplicated while a run waits; should Redis lose it, the worker's reconciler finds the markers anyway.
   * So a failed kick (Redis down) never fails the request whose change has committed: the markers are in
   * Postgres, and the reconciler runs them within seconds.
   */
  kick(): Promise<void> {
    if (!this.sending) {
      this.sending = this.send().finally(() => (this.sending = null));
      return this.sending;
    }
    this.following ??= this.sending.then(() => {
      this.following = null;
      return this.kick();
    });
    return this.following;
  }

  private async send(): Promise<void> {
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

  /**
   * The markers of written records as a CTE of the statement that writes them: `from` has the columns
   * school_id and learner_ids. Markers are appended (never updated), so concurrent submissions of one school do
   * not wait for each other.
   */
  static markingCte(from: string): string {
    return `INSERT INTO pending_checks (scope_type, scope_id)
      SELECT 'SCHOOL', school_id FROM ${from}
      UNION ALL SELECT DISTINCT 'LEARNER', unnest(learner_ids) FROM ${from}`;
  }

  async markSchool(manager: EntityManager, schoolId: string): Promise<void> {
    await manager.query(`INSERT INTO pending_checks (scope_type, scope_id) VALUES ('SCHOOL', $1)`, [
      schoolId,
    ]);
  }

  async markLearners(manager: EntityManager, learnerIds: string[]): Promise<void> {
    if (learnerIds.length === 0) return;
    await manager.query(
      `INSERT INTO pending_checks (scope_type, scope_id) SELECT DISTINCT 'LEARNER', unnest($1::uuid[])`,
      [learnerIds],
    );
  }
}
