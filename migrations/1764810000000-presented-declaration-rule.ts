import { MigrationInterface, QueryRunner } from 'typeorm';

const PRESENTED_RULE = 'PRESENTED_DECLARATION_NOT_REGISTERED';
const NO_DUO_CONTRACT_RULE = 'DECLARATION_WITHOUT_DUO_CONTRACT';
const NO_DUO_CONTRACT_BEFORE =
  'No DUO payment names the same learner and school (HIGH when the school registered no contract with the learner either, else MEDIUM). confirmationDays: days a school has to answer a confirmation request.';

/**
 * PRESENTED_DECLARATION_NOT_REGISTERED joins the rule catalogue (DOMAIN.md), and DECLARATION_WITHOUT_DUO_CONTRACT's
 * description follows its severity by funding. The learners these change are marked for the background checks,
 * so existing presented declarations are flagged and open flags get their new severity without a check run.
 */
export class PresentedDeclarationRule1764810000000 implements MigrationInterface {
  name = 'PresentedDeclarationRule1764810000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO rules (code, description, subject_type, default_severity, severity, enabled, parameters)
       VALUES ($1, $2, 'HOURS_DECLARATION', 'HIGH', 'HIGH', true, '{}') ON CONFLICT (code) DO NOTHING`,
      [
        PRESENTED_RULE,
        "A declaration the learner presented to DUO (source PRESENTED) is not in its school's register: no registered declaration of the learner has the same purpose, period, hours and issue date.",
      ],
    );
    await q.query(`UPDATE rules SET description = $2 WHERE code = $1 AND description = $3`, [
      NO_DUO_CONTRACT_RULE,
      'No DUO contract record overlapping the period and no DUO payment names the same learner and school. The configured severity applies when the school registered no contract with the learner overlapping the period; with a DUO_LOAN one it is at most MEDIUM; when all are SELF or MUNICIPALITY funded, LOW. confirmationDays: days a school has to answer a confirmation request.',
      NO_DUO_CONTRACT_BEFORE,
    ]);
    await q.query(
      `INSERT INTO pending_checks (scope_type, scope_id)
       SELECT DISTINCT 'LEARNER', d.learner_id FROM hours_declarations d WHERE d.source = 'PRESENTED'
       UNION SELECT DISTINCT 'LEARNER', d.learner_id FROM flags f JOIN hours_declarations d ON d.id = f.subject_id
        WHERE f.rule_code = $1 AND f.status IN ('OPEN','IN_REVIEW')
       ON CONFLICT (scope_type, scope_id) DO NOTHING`,
      [NO_DUO_CONTRACT_RULE],
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE rules SET description = $2 WHERE code = $1`, [
      NO_DUO_CONTRACT_RULE,
      NO_DUO_CONTRACT_BEFORE,
    ]);
    for (const table of ['signal_flags', 'flag_events'])
      await q.query(`DELETE FROM ${table} x USING flags f WHERE f.id = x.flag_id AND f.rule_code = $1`, [
        PRESENTED_RULE,
      ]);
    await q.query(`DELETE FROM flags WHERE rule_code = $1`, [PRESENTED_RULE]);
    await q.query(`DELETE FROM rules WHERE code = $1`, [PRESENTED_RULE]);
  }
}
