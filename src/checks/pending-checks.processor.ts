import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { FlagWriter } from '../flags/flag-writer';
import { CheckOutcome, ChecksEngine } from './checks-engine.service';

/** Markers taken per transaction: a burst of submissions is checked together (a scope marked twice, once). */
const BATCH = 2000;

/**
 * Works off the pending_checks outbox: takes a batch of markers and checks, in one transaction with the
 * deletion of exactly the markers it took (one committed meanwhile stays for the next batch):
 *  - the marked learners against every rule: their lessons (and the lessons their teachers teach at the same
 *    time), declarations, invoices, contracts and payments at any school. Every record with a learner marks it,
 *    so this covers what a submission or DUO import changes;
 *  - the marked schools' certified-teacher share (a school-year figure), and a sweep of everything of the
 *    school when its keurmerk or measures changed since its last sweep (they change flags on all its records).
 * One processor at a time (advisory lock); loops until the outbox is empty. After a batch that changed many flags,
 * their planner statistics are refreshed (FlagWriter.refreshStatistics).
 */
@Injectable()
export class PendingChecksProcessor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: ChecksEngine,
    private readonly flags: FlagWriter,
  ) {}

  async runPending(): Promise<CheckOutcome> {
    const total: CheckOutcome = { flagsRaised: 0, flagsWithdrawn: 0 };
    for (;;) {
      const outcome = await this.dataSource.transaction(async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('pending_checks'))`);
        await manager.query(
          `CREATE TEMP TABLE claimed ON COMMIT DROP AS
           SELECT id, scope_type, scope_id FROM pending_checks ORDER BY id LIMIT ${BATCH}`,
        );
        const [claimed] = await manager.query(
          `SELECT coalesce(array_agg(DISTINCT scope_id) FILTER (WHERE scope_type = 'SCHOOL'), '{}') AS schools,
                  coalesce(array_agg(DISTINCT scope_id) FILTER (WHERE scope_type = 'LEARNER'), '{}') AS learners
           FROM claimed`,
        );
        if (claimed.schools.length + claimed.learners.length === 0) return null;
        const outcomes = [
          await this.engine.check(manager, { schoolIds: [], learnerIds: claimed.learners }),
          ...(await this.checkSchools(manager, claimed.schools)),
        ];
        await manager.query(`DELETE FROM pending_checks p USING claimed c WHERE p.id = c.id`);
        return {
          flagsRaised: outcomes.reduce((n, o) => n + o.flagsRaised, 0),
          flagsWithdrawn: outcomes.reduce((n, o) => n + o.flagsWithdrawn, 0),
        };
      });
      if (!outcome) return total;
      await this.flags.refreshStatistics(
        this.dataSource.manager,
        outcome.flagsRaised + outcome.flagsWithdrawn,
      );
      total.flagsRaised += outcome.flagsRaised;
      total.flagsWithdrawn += outcome.flagsWithdrawn;
    }
  }

  private async checkSchools(manager: EntityManager, schoolIds: string[]): Promise<CheckOutcome[]> {
    if (schoolIds.length === 0) return [];
    const [{ stale }]: { stale: string[] }[] = await manager.query(
      `SELECT coalesce(array_agg(s.id), '{}') AS stale FROM unnest($1::uuid[]) AS s(id) LEFT JOIN school_sweeps w ON w.school_id = s.id
       WHERE w.swept_at IS NULL
          OR EXISTS (SELECT 1 FROM keurmerk_events e WHERE e.school_id = s.id AND e.created_at >= w.swept_at)
          OR EXISTS (SELECT 1 FROM measures m WHERE m.school_id = s.id AND m.created_at >= w.swept_at)`,
      [schoolIds],
    );
    const fresh = schoolIds.filter((id) => !stale.includes(id));
    const outcomes = [
      await this.engine.check(
        manager,
        { schoolIds: fresh, learnerIds: [] },
        { rules: ['CERTIFIED_LESSON_SHARE_BELOW_NORM'] },
      ),
      await this.engine.check(manager, { schoolIds: stale, learnerIds: [] }),
    ];
    await this.engine.recordSweeps(manager, stale);
    return outcomes;
  }
}
