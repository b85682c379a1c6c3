import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CheckOutcome, ChecksEngine } from './checks-engine.service';

/** Markers taken per transaction: a burst of submissions is checked together. */
const BATCH = 2000;

/**
 * Works off the pending_checks outbox: takes a batch of markers, checks every rule for the marked schools
 * and learners (a learner's scope reaches lessons, declarations and payments at any school), and deletes the
 * markers in the same transaction as the flags, unless a newer submission re-marked them meanwhile.
 * One processor at a time (advisory lock); loops until the outbox is empty.
 */
@Injectable()
export class PendingChecksProcessor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: ChecksEngine,
  ) {}

  async runPending(): Promise<CheckOutcome> {
    const total: CheckOutcome = { flagsRaised: 0, flagsWithdrawn: 0 };
    for (;;) {
      const outcome = await this.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('pending_checks'))`);
        await manager.query(
          `CREATE TEMP TABLE claimed ON COMMIT DROP AS
           SELECT scope_type, scope_id, marked_at FROM pending_checks ORDER BY marked_at LIMIT ${BATCH}`,
        );
        const [claimed] = await manager.query(
          `SELECT coalesce(array_agg(scope_id) FILTER (WHERE scope_type = 'SCHOOL'), '{}') AS schools,
                  coalesce(array_agg(scope_id) FILTER (WHERE scope_type = 'LEARNER'), '{}') AS learners
           FROM claimed`,
        );
        if (claimed.schools.length + claimed.learners.length === 0) return null;
        const result = await this.engine.check(manager, {
          schoolIds: claimed.schools,
          learnerIds: claimed.learners,
        });
        await manager.query(
          `DELETE FROM pending_checks p USING claimed c
           WHERE p.scope_type = c.scope_type AND p.scope_id = c.scope_id AND p.marked_at = c.marked_at`,
        );
        return result;
      });
      if (!outcome) return total;
      total.flagsRaised += outcome.flagsRaised;
      total.flagsWithdrawn += outcome.flagsWithdrawn;
    }
  }
}
