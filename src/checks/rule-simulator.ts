import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LIVE, Severity, SubjectType } from '../common/vocabulary';
import { attendanceExceptionsCte, ruleOf, withDefaults } from '../rules/catalogue';
import { ActiveRule, FULL_RUN } from '../rules/catalogue/rule-definition';

export type SimulatedChange = 'RAISE' | 'WITHDRAW' | 'SEVERITY';

export interface SimulationExample {
  change: SimulatedChange;
  subjectType: SubjectType;
  subjectId: string;
  schoolId: string | null;
  period: { from: string; to: string | null } | null;
  severity: Severity;
  explanation: string;
}

export interface SimulationOutcome {
  wouldRaise: number;
  wouldWithdraw: number;
  wouldChangeSeverity: number;
  unchanged: number;
  examples: SimulationExample[];
}

/** At most this many examples, taken in turn from each kind of change. */
const MAX_EXAMPLES = 50;

/**
 * What a rule as it would read does to its flags on the data as it stands: the rule's own fired SQL over
 * everything, compared with its flags as the check engine would reconcile them (new or withdrawn-and-firing
 * again: RAISE; live and no longer firing: WITHDRAW; live with another severity: SEVERITY; decided flags are
 * never changed and count as unchanged). One read-only statement: it writes nothing.
 */
@Injectable()
export class RuleSimulator {
  async simulate(
    manager: EntityManager,
    rule: ActiveRule & { enabled: boolean },
  ): Promise<SimulationOutcome> {
    const rows: (Omit<SimulationExample, 'change'> & {
      change: SimulatedChange | 'UNCHANGED';
      total: number;
    })[] = await manager.query(
      `WITH ${attendanceExceptionsCte([rule.code])} fired AS (
         SELECT DISTINCT ON (subject_id, school_id, period_from, period_to) *
         FROM (${ruleOf(rule.code).fired(FULL_RUN)}) AS f(subject_id, school_id, period_from, period_to, severity, explanation, evidence)
         -- a disabled rule fires nothing; (the other two type the parameters for rules that ignore them)
         WHERE $6::boolean AND $1::jsonb IS NOT NULL AND $2::text IS NOT NULL
         ORDER BY subject_id, school_id, period_from, period_to),
       current AS (SELECT * FROM flags WHERE rule_code = $3 AND subject_type = $4),
       compared AS (
         SELECT CASE WHEN c.id IS NULL OR c.status = 'WITHDRAWN' THEN 'RAISE'
                     WHEN c.status IN ${LIVE} AND c.severity <> x.severity THEN 'SEVERITY'
                     ELSE 'UNCHANGED' END AS change,
                x.subject_id, x.school_id, x.period_from, x.period_to, x.severity, x.explanation
         FROM fired x LEFT JOIN current c
           ON c.subject_id = x.subject_id AND c.school_id IS NOT DISTINCT FROM x.school_id
          AND c.period_from IS NOT DISTINCT FROM x.period_from AND c.period_to IS NOT DISTINCT FROM x.period_to
         UNION ALL
         SELECT 'WITHDRAW', c.subject_id, c.school_id, c.period_from, c.period_to, c.severity, c.explanation
         FROM current c
         WHERE c.status IN ${LIVE}
           AND NOT EXISTS (SELECT 1 FROM fired x WHERE x.subject_id = c.subject_id AND x.school_id IS NOT DISTINCT FROM c.school_id
                             AND x.period_from IS NOT DISTINCT FROM c.period_from AND x.period_to IS NOT DISTINCT FROM c.period_to)),
       ranked AS (
         SELECT *, count(*) OVER (PARTITION BY change)::int AS total,
                row_number() OVER (PARTITION BY change ORDER BY school_id, subject_id, period_from) AS turn
         FROM compared)
       SELECT change, total, $4 AS "subjectType", subject_id AS "subjectId", school_id AS "schoolId",
              CASE WHEN period_from IS NULL THEN NULL
                   ELSE jsonb_build_object('from', to_char(period_from, 'YYYY-MM-DD'), 'to', to_char(period_to, 'YYYY-MM-DD')) END AS period,
              severity, explanation
       FROM ranked WHERE turn <= $5
       ORDER BY turn, change`,
      [
        withDefaults(rule.code, rule.parameters),
        rule.severity,
        rule.code,
        rule.subjectType,
        MAX_EXAMPLES,
        rule.enabled,
      ],
    );
    const total = (change: string) => rows.find((row) => row.change === change)?.total ?? 0;
    return {
      wouldRaise: total('RAISE'),
      wouldWithdraw: total('WITHDRAW'),
      wouldChangeSeverity: total('SEVERITY'),
      unchanged: total('UNCHANGED'),
      examples: rows
        .filter((row) => row.change !== 'UNCHANGED')
        .slice(0, MAX_EXAMPLES)
        .map(({ total: _total, ...example }) => ({ ...example, change: example.change as SimulatedChange })),
    };
  }
}
