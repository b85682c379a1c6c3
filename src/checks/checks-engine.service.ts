import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  fullRunPreparation,
  RULE_CODES,
  RULE_SUBJECTS,
  RuleCode,
  ruleOf,
  withDefaults,
} from '../rules/catalogue';
import { ActiveRule, FULL_RUN, RuleScope, scopedRun } from '../rules/catalogue/rule-definition';
import { LIVE } from '../common/vocabulary';
import { FlagWriter } from '../flags/flag-writer';
import { refreshDeclarationStatuses } from '../hours-declarations/declaration-statuses';
import { NO_SCHOOL, settledSubject } from '../rules/catalogue/shared-sql';

/**
 * The settings of a transaction that runs rule statements (SET LOCAL). The statements are planned fresh each
 * time: compiling them (JIT) costs more than it saves. Their hashes and sorts over a whole country's lessons
 * would spill to disk in the default 4 MB.
 */
export const RULE_SETTINGS = `SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`;

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

/**
 * Runs rules over a scope and reconciles the flags, inside the caller's transaction:
 *  1. the candidate subjects of the scope per rule (temp table check_scope); a full run instead derives what
 *     several rules read (fullRunPreparation: the attendance exceptions), once for all of them,
 *  2. every enabled rule's fired rows (temp table check_fired), one statement per rule,
 *  3. the flags reconciled with what fired (FlagWriter: raised, reopened, reconfirmed, withdrawn),
 *  4. hours declarations of the scope to CHECKED or FLAGGED (hours-declarations' refreshDeclarationStatuses).
 * Legal certainty, for every rule alike: fired rows on an ACCEPTED or REJECTED declaration are dropped in step 2
 * and its flags are exempt from withdrawal, so its flags stay exactly as they were when DUO decided.
 * Idempotent: a second run over unchanged data writes nothing.
 */
@Injectable()
export class ChecksEngine {
  constructor(private readonly flags: FlagWriter) {}

  async check(manager: EntityManager, scope: CheckScope, options: CheckOptions = {}): Promise<CheckOutcome> {
    const wanted = options.rules ?? RULE_CODES;
    const rules: ActiveRule[] = await manager.query(
      `SELECT code, subject_type AS "subjectType", severity, parameters FROM rules
       WHERE enabled AND code = ANY($1) ORDER BY code`,
      [wanted],
    );
    await manager.query(RULE_SETTINGS);
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
    } else {
      for (const statement of fullRunPreparation(rules.map((r) => r.code))) await manager.query(statement);
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
    // Statistics for the reconciliation's joins, which read only the natural key: with the explanations and evidence
    // sampled too, it took 0.15 s instead of 0.025 s for GROUP_SIZE_EXCEEDED's 10,429 rows.
    await manager.query(
      `ANALYZE check_fired (rule_code, subject_type, subject_id, school_id, period_from, period_to)`,
    );

    const outcome = await this.flags.reconcile(manager, {
      checkRunId: options.checkRunId ?? null,
      ruleCodes: rules.map((r) => r.code),
      scoped: !scope.all,
    });

    if (wanted.some((code) => RULE_SUBJECTS[code] === 'HOURS_DECLARATION')) {
      await refreshDeclarationStatuses(manager, scope);
    }
    return outcome;
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

  /** A disabled rule's live flags withdrawn at once (FlagWriter.withdrawRule), its declarations' statuses after them. */
  async withdrawRule(manager: EntityManager, code: RuleCode): Promise<number> {
    const { withdrawn, declarationIds } = await this.flags.withdrawRule(manager, code);
    if (declarationIds.length > 0) await refreshDeclarationStatuses(manager, { declarationIds });
    return withdrawn;
  }
}
