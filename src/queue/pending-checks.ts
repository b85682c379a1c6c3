import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { JobName } from './job-catalogue';
import { JobQueue } from './job-queue.service';

/** A kick's run waits this long, so that a burst of submissions is checked together. */
const KICK_DELAY_MS = 200;
const KICK_CLOCK_MARGIN_MS = 50;

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
  /** Until then a run this process enqueued has not started: it will see what commits meanwhile, unasked. */
  private quietUntil = 0;

  constructor(private readonly jobs: JobQueue) {}

  /**
   * After the marking transaction has committed: ask a worker to run what is pending. Kicks coalesce: while
   * one is on its way (it may have left before this caller committed), callers share one more that leaves
   * after it; and while a run this process enqueued is still delayed, none is needed. So a burst of submissions
   * costs a few Redis calls a second, not one each. In Redis the job is deduplicated while a run waits; should
   * Redis lose it, the worker's reconciler finds the markers anyway.
   * So a failed kick (Redis down) never fails the request whose change has committed: the markers are in
   * Postgres, and the reconciler runs them within seconds.
   */
  kick(): Promise<void> {
    if (Date.now() < this.quietUntil) return Promise.resolve();
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
    const sentAt = Date.now();
    const jobId = `${JobName.RunPendingChecks}-${randomUUID()}`;
    try {
      const queued = await this.jobs.enqueue(
        JobName.RunPendingChecks,
        {},
        { jobId, deduplication: { id: JobName.RunPendingChecks }, delay: KICK_DELAY_MS },
      );
      // Ours, not deduplicated into a run that may be starting now: it starts KICK_DELAY_MS after it was sent at
      // the earliest (less a margin for the worker's clock).
      if (queued === jobId) this.quietUntil = sentAt + KICK_DELAY_MS - KICK_CLOCK_MARGIN_MS;
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
