import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LIVE, RuleCode } from '../common/vocabulary';
import { NO_SCHOOL, settledSubject } from '../rules/catalogue/shared-sql';

/** PostgreSQL's defaults for autovacuum_analyze_threshold and autovacuum_analyze_scale_factor. */
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE_FACTOR = 0.1;

/** A decision proposed on a flag that is withdrawn has nothing left to approve. */
const NOTHING_PENDING = `pending_outcome = NULL, pending_reason = NULL, pending_proposed_by = NULL, pending_proposed_at = NULL`;

export interface Reconciliation {
  /** Recorded on the flag events. */
  checkRunId: string | null;
  /** The rules that ran: only their flags are withdrawn. */
  ruleCodes: readonly RuleCode[];
  /** A scoped run withdraws only flags of the subjects in check_scope; a full run, any that no longer fires. */
  scoped: boolean;
}

/**
 * The only writer of `flags` and `flag_events` outside the review (FlagsService): the checks hand it what fired,
 * it reconciles. The check engine leaves the fired rows in the temp table check_fired and, for a scoped run, the
 * candidate subjects in check_scope (both of the caller's transaction).
 */
@Injectable()
export class FlagWriter {
  /**
   * 1. an upsert on the natural key: new flags RAISED; WITHDRAWN flags that fire again REOPENED; live flags whose
   *    explanation, evidence or severity changed RECONFIRMED; decided flags untouched,
   * 2. live flags of the candidate subjects that no longer fire WITHDRAWN (never those on a settled subject).
   */
  async reconcile(
    manager: EntityManager,
    run: Reconciliation,
  ): Promise<{ flagsRaised: number; flagsWithdrawn: number }> {
    const [raised] = await manager.query(
      `WITH fired AS (
         SELECT DISTINCT ON (rule_code, subject_type, subject_id, school_id, period_from, period_to) * FROM check_fired
         ORDER BY rule_code, subject_type, subject_id, school_id, period_from, period_to),
       before AS (
         SELECT f.id, f.status FROM flags f JOIN fired x
           ON f.rule_code = x.rule_code AND f.subject_type = x.subject_type AND f.subject_id = x.subject_id
          AND f.school_id IS NOT DISTINCT FROM x.school_id AND f.period_from IS NOT DISTINCT FROM x.period_from AND f.period_to IS NOT DISTINCT FROM x.period_to),
       upserted AS (
         INSERT INTO flags AS f (rule_code, severity, status, school_id, subject_type, subject_id, period_from, period_to, explanation, evidence)
         SELECT rule_code, severity, 'OPEN', school_id, subject_type, subject_id, period_from, period_to, explanation, evidence FROM fired
         ORDER BY rule_code, subject_type, subject_id, school_id, period_from, period_to
         ON CONFLICT ON CONSTRAINT flags_natural_key DO UPDATE SET
           severity = EXCLUDED.severity, explanation = EXCLUDED.explanation,
           evidence = EXCLUDED.evidence, last_checked_at = now(),
           status = CASE WHEN f.status = 'WITHDRAWN' THEN 'OPEN' ELSE f.status END,
           withdrawn_at = CASE WHEN f.status = 'WITHDRAWN' THEN NULL ELSE f.withdrawn_at END
         WHERE f.status = 'WITHDRAWN'
            OR (f.status IN ${LIVE} AND (f.severity, f.explanation, f.evidence)
                IS DISTINCT FROM (EXCLUDED.severity, EXCLUDED.explanation, EXCLUDED.evidence))
         RETURNING f.id, f.severity),
       events AS (
         INSERT INTO flag_events (flag_id, action, check_run_id, details)
         SELECT u.id, CASE WHEN b.id IS NULL THEN 'RAISED' WHEN b.status = 'WITHDRAWN' THEN 'REOPENED' ELSE 'RECONFIRMED' END,
                $1::uuid, jsonb_build_object('severity', u.severity)
         FROM upserted u LEFT JOIN before b ON b.id = u.id
         RETURNING action)
       SELECT count(*) FILTER (WHERE action IN ('RAISED','REOPENED'))::int AS n FROM events`,
      [run.checkRunId],
    );

    const [withdrawn] = await manager.query(
      `WITH withdrawn AS (
         UPDATE flags f SET status = 'WITHDRAWN', withdrawn_at = now(), last_checked_at = now(), ${NOTHING_PENDING}
         WHERE f.rule_code = ANY($2) AND f.status IN ${LIVE} AND NOT ${settledSubject('f.subject_type', 'f.subject_id')}
           AND ${run.scoped ? `(f.rule_code, f.subject_id, coalesce(f.school_id, '${NO_SCHOOL}')) IN (SELECT rule_code, subject_id, school_key FROM check_scope)` : 'TRUE'}
           AND NOT EXISTS (SELECT 1 FROM check_fired x
                           WHERE x.rule_code = f.rule_code AND x.subject_type = f.subject_type AND x.subject_id = f.subject_id
                             AND x.school_id IS NOT DISTINCT FROM f.school_id AND x.period_from IS NOT DISTINCT FROM f.period_from AND x.period_to IS NOT DISTINCT FROM f.period_to)
         RETURNING f.id),
       events AS (
         INSERT INTO flag_events (flag_id, action, check_run_id, details)
         SELECT id, 'WITHDRAWN', $1::uuid, '{"reason":"no longer fires"}'::jsonb FROM withdrawn RETURNING 1)
       SELECT count(*)::int AS n FROM events`,
      [run.checkRunId, run.ruleCodes],
    );
    return { flagsRaised: raised.n, flagsWithdrawn: withdrawn.n };
  }

  /**
   * After checks that changed `changed` flags, outside their transaction (ANALYZE holds its lock until commit): the
   * planner's statistics of `flags` brought up to date when more than autovacuum's analyze threshold changed
   * (50 rows and a tenth of the table), rather than whenever autovacuum next comes by, or never where it is off.
   * A first whole-country run raises tens of thousands of flags into a table the planner still took for nearly
   * empty: every pending-checks run after it then withdrew with a plan for that (0.55-0.66 s instead of 0.02 s
   * for GROUP_SIZE_EXCEEDED's 10,429 flags on the national data set). Returns whether it analysed.
   */
  async refreshStatistics(manager: EntityManager, changed: number): Promise<boolean> {
    if (changed <= ANALYZE_THRESHOLD) return false;
    const [{ stale }] = await manager.query(
      `SELECT $1 > ${ANALYZE_THRESHOLD} + ${ANALYZE_SCALE_FACTOR} * greatest(reltuples, 0) AS stale
       FROM pg_class WHERE oid = 'flags'::regclass`,
      [changed],
    );
    if (stale) await manager.query(`ANALYZE flags`);
    return stale;
  }

  /**
   * A disabled rule produces nothing: its live flags are withdrawn at once (a re-enabled rule reopens them),
   * except those on ACCEPTED or REJECTED declarations (legal certainty). Returns how many, and the declarations
   * whose flags changed.
   */
  async withdrawRule(
    manager: EntityManager,
    code: RuleCode,
  ): Promise<{ withdrawn: number; declarationIds: string[] }> {
    const [row] = await manager.query(
      `WITH withdrawn AS (
         UPDATE flags f SET status = 'WITHDRAWN', withdrawn_at = now(), ${NOTHING_PENDING}
         WHERE f.rule_code = $1 AND f.status IN ${LIVE} AND NOT ${settledSubject('f.subject_type', 'f.subject_id')}
         RETURNING f.id, f.subject_id, f.subject_type),
       events AS (
         INSERT INTO flag_events (flag_id, action, details)
         SELECT id, 'WITHDRAWN', '{"reason":"rule disabled"}'::jsonb FROM withdrawn RETURNING 1),
       declarations AS (SELECT array_agg(subject_id) AS ids FROM withdrawn WHERE subject_type = 'HOURS_DECLARATION')
       SELECT (SELECT count(*) FROM events)::int AS n, (SELECT ids FROM declarations) AS ids`,
      [code],
    );
    return { withdrawn: row.n, declarationIds: row.ids ?? [] };
  }
}
