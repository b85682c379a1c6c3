import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RULE_CODES, RULE_SUBJECTS, RuleCode, ruleOf, withDefaults } from '../rules/catalogue';
import { ActiveRule, FULL_RUN, RuleScope, scopedRun } from '../rules/catalogue/rule-definition';
import { NO_SCHOOL, settledSubject } from '../rules/catalogue/shared-sql';

/**
 * What to check: everything, or the subjects that marked schools and learners can affect.
 * `schoolIds` may hold NO_SCHOOL for the records of no registered school (payments to an unknown KvK).
 */
export type CheckScope = { all: true } | { all?: false; schoolIds: string[]; learnerIds: string[] };

export interface CheckOptions {
  /** Only these rules (default: every rule). Disabled rules never run. */
  rules?: readonly RuleCode[];
  /** Recorded on the flag events of a check run. */
  checkRunId?: string | null;
}

export interface CheckOutcome {
  flagsRaised: number;
  flagsWithdrawn: number;
}

/** Flags a person decided (CONFIRMED, DISMISSED) are never changed by the system; these are. */
export const LIVE = `('OPEN','IN_REVIEW')`;
/** A decision proposed on a flag that is withdrawn has nothing left to approve. */
const NOTHING_PENDING = `pending_outcome = NULL, pending_reason = NULL, pending_proposed_by = NULL, pending_proposed_at = NULL`;
/** A declaration with a live or confirmed flag is FLAGGED. */
const FLAGGING = `('OPEN','IN_REVIEW','CONFIRMED')`;

/**
 * Runs rules over a scope and reconciles the flags, inside the caller's transaction:
 *  1. the candidate subjects of the scope per rule (temp table check_scope),
 *  2. every enabled rule's fired rows (temp table check_fired), one statement per rule,
 *  3. an upsert on the natural key: new flags RAISED; WITHDRAWN flags that fire again REOPENED; live flags whose
 *     explanation, evidence or severity changed RECONFIRMED; decided flags untouched,
 *  4. live flags of the candidate subjects that no longer fire WITHDRAWN,
 *  5. hours declarations of the scope to CHECKED or FLAGGED (never ACCEPTED/REJECTED ones).
 * Legal certainty, for every rule alike: fired rows on an ACCEPTED or REJECTED declaration are dropped in step 2
 * and its flags are exempt from step 4, so its flags stay exactly as they were when DUO decided.
 * Idempotent: a second run over unchanged data writes nothing.
 */
@Injectable()
export class ChecksEngine {
  async check(manager: EntityManager, scope: CheckScope, options: CheckOptions = {}): Promise<CheckOutcome> {
    const wanted = options.rules ?? RULE_CODES;
    const rules: ActiveRule[] = await manager.query(
      `SELECT code, subject_type AS "subjectType", severity, parameters FROM rules
       WHERE enabled AND code = ANY($1) ORDER BY code`,
      [wanted],
    );
    // The rule statements are planned fresh each time; compiling them (JIT) costs more than it saves here.
    await manager.query(`SET LOCAL jit = off`);
    await manager.query(`
      CREATE TEMP TABLE IF NOT EXISTS check_scope (rule_code text, subject_id uuid, school_key uuid) ON COMMIT DROP;
      CREATE TEMP TABLE IF NOT EXISTS check_fired (
        rule_code text, subject_type text, subject_id uuid, school_id uuid, period_from date, period_to date,
        severity text, explanation text, evidence jsonb) ON COMMIT DROP;
      TRUNCATE check_scope, check_fired`);

    let scopeOf: (code: RuleCode) => RuleScope = () => FULL_RUN;
    if (!scope.all) {
      for (const rule of rules) {
        await manager.query(
          `INSERT INTO check_scope SELECT $3, c.id, coalesce(c.school_id, '${NO_SCHOOL}')
           FROM (${ruleOf(rule.code).candidates}
                 UNION SELECT f.subject_id, f.school_id FROM flags f
                 WHERE f.rule_code = $3 AND f.status IN ${LIVE} AND coalesce(f.school_id, '${NO_SCHOOL}') = ANY($1::uuid[])
                ) AS c(id, school_id)
           WHERE $2::uuid[] IS NOT NULL -- (types $2 for rules whose candidates ignore learners)`,
          [scope.schoolIds, scope.learnerIds, rule.code],
        );
      }
      await manager.query(`ANALYZE check_scope`);
      scopeOf = scopedRun;
    }

    for (const rule of rules) {
      await manager.query(
        `INSERT INTO check_fired SELECT '${rule.code}', '${rule.subjectType}', f.*
         FROM (${ruleOf(rule.code).fired(scopeOf(rule.code))})
           AS f(subject_id, school_id, period_from, period_to, severity, explanation, evidence)
         WHERE $1::jsonb IS NOT NULL AND $2::text IS NOT NULL -- (types the parameters for rules that ignore them)
           AND NOT ${settledSubject(`'${rule.subjectType}'`, 'f.subject_id')}`,
        [withDefaults(rule.code, rule.parameters), rule.severity],
      );
    }
    await manager.query(`ANALYZE check_fired`);

    const runId = options.checkRunId ?? null;
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
      [runId],
    );

    const codes = rules.map((r) => r.code);
    const [withdrawn] = await manager.query(
      `WITH withdrawn AS (
         UPDATE flags f SET status = 'WITHDRAWN', withdrawn_at = now(), last_checked_at = now(), ${NOTHING_PENDING}
         WHERE f.rule_code = ANY($2) AND f.status IN ${LIVE} AND NOT ${settledSubject('f.subject_type', 'f.subject_id')}
           AND ${scope.all ? 'TRUE' : `(f.rule_code, f.subject_id, coalesce(f.school_id, '${NO_SCHOOL}')) IN (SELECT rule_code, subject_id, school_key FROM check_scope)`}
           AND NOT EXISTS (SELECT 1 FROM check_fired x
                           WHERE x.rule_code = f.rule_code AND x.subject_type = f.subject_type AND x.subject_id = f.subject_id
                             AND x.school_id IS NOT DISTINCT FROM f.school_id AND x.period_from IS NOT DISTINCT FROM f.period_from AND x.period_to IS NOT DISTINCT FROM f.period_to)
         RETURNING f.id),
       events AS (
         INSERT INTO flag_events (flag_id, action, check_run_id, details)
         SELECT id, 'WITHDRAWN', $1::uuid, '{"reason":"no longer fires"}'::jsonb FROM withdrawn RETURNING 1)
       SELECT count(*)::int AS n FROM events`,
      [runId, codes],
    );

    if (wanted.some((code) => RULE_SUBJECTS[code] === 'HOURS_DECLARATION')) {
      await this.refreshDeclarationStatuses(manager, scope);
    }
    return { flagsRaised: raised.n, flagsWithdrawn: withdrawn.n };
  }

  /** RECEIVED/CHECKED/FLAGGED declarations of the scope: FLAGGED while a live or confirmed flag is on them, else CHECKED. */
  async refreshDeclarationStatuses(
    manager: EntityManager,
    scope: CheckScope | { declarationIds: string[] },
  ): Promise<void> {
    const filter =
      'declarationIds' in scope
        ? { sql: 'd.id = ANY($1)', params: [scope.declarationIds] }
        : scope.all
          ? { sql: 'TRUE', params: [] }
          : {
              sql: 'd.school_id = ANY($1) OR d.learner_id = ANY($2)',
              params: [scope.schoolIds, scope.learnerIds],
            };
    await manager.query(
      `UPDATE hours_declarations d SET status = n.status
       FROM (SELECT d.id, CASE WHEN EXISTS (SELECT 1 FROM flags f WHERE f.subject_id = d.id AND f.subject_type = 'HOURS_DECLARATION'
                                             AND f.status IN ${FLAGGING}) THEN 'FLAGGED' ELSE 'CHECKED' END AS status
             FROM hours_declarations d
             WHERE d.status IN ('RECEIVED','CHECKED','FLAGGED') AND (${filter.sql})) n
       WHERE d.id = n.id AND d.status <> n.status`,
      filter.params,
    );
  }

  /**
   * Notes that these schools' records were all checked now. A minute early: a keurmerk event or measure written
   * by a transaction that started before this sweep and committed after it still triggers the next sweep.
   */
  async recordSweeps(manager: EntityManager, schoolIds: string[]): Promise<void> {
    await manager.query(
      `INSERT INTO school_sweeps (school_id, swept_at) SELECT unnest($1::uuid[]), now() - interval '1 minute'
       ON CONFLICT (school_id) DO UPDATE SET swept_at = EXCLUDED.swept_at`,
      [schoolIds],
    );
  }

  /**
   * A disabled rule produces nothing: its live flags are withdrawn at once (a re-enabled rule reopens them),
   * except those on ACCEPTED or REJECTED declarations (legal certainty).
   */
  async withdrawRule(manager: EntityManager, code: RuleCode): Promise<number> {
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
    if (row.ids) await this.refreshDeclarationStatuses(manager, { declarationIds: row.ids });
    return row.n;
  }
}
