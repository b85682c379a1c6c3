import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS_BEFORE = `'LESSONS','LOAN_ACCOUNTS','PAYMENTS','CONTRACTS'`;

/**
 * DUO's exam results (`POST /duo/imports?type=exam-results`) and the rule that reads them,
 * RESULTS_BELOW_REGISTERED_HOURS (DOMAIN.md): a declaration of many hours whose learner's exam results soon
 * after its period stay far below the level those hours predict. One result per learner, component and exam
 * date (the natural key: a re-imported row is stored once); the rule reads a learner's results per component
 * by date, which that key's index serves.
 */
export class ExamResults1764800000000 implements MigrationInterface {
  name = 'ExamResults1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE exam_results (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        learner_id uuid NOT NULL REFERENCES learners(id),
        exam_date date NOT NULL,
        component text NOT NULL CHECK (component IN ('READING','LISTENING','WRITING','SPEAKING')),
        level text NOT NULL CHECK (level IN ('BELOW_A1','A1','A2','B1','B2')),
        import_id uuid REFERENCES imports(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT exam_results_row_key UNIQUE (learner_id, component, exam_date)
      )`);
    await q.query(`ALTER TABLE imports DROP CONSTRAINT imports_kind_check`);
    await q.query(
      `ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN (${KINDS_BEFORE},'EXAM_RESULTS'))`,
    );
    await q.query(
      `INSERT INTO rules (code, description, subject_type, default_severity, severity, enabled, parameters)
       VALUES ($1, $2, 'HOURS_DECLARATION', 'MEDIUM', 'MEDIUM', true, $3) ON CONFLICT (code) DO NOTHING`,
      [
        'RESULTS_BELOW_REGISTERED_HOURS',
        "A declaration of at least minimumHours hours, and the learner's latest exam result per component dated within windowMonths after its period end is below expectedLevel on at least minimumComponents of the four components.",
        JSON.stringify({ minimumHours: 400, windowMonths: 6, expectedLevel: 'A2', minimumComponents: 3 }),
      ],
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    // Flags of the rule are case history (events, decisions): they keep their rule, disabled, rather than go.
    await q.query(`UPDATE rules SET enabled = false WHERE code = 'RESULTS_BELOW_REGISTERED_HOURS'`);
    await q.query(`DELETE FROM rules r WHERE r.code = 'RESULTS_BELOW_REGISTERED_HOURS'
                     AND NOT EXISTS (SELECT 1 FROM flags f WHERE f.rule_code = r.code)`);
    await q.query(`DROP TABLE exam_results`);
    await q.query(`DELETE FROM imports WHERE kind = 'EXAM_RESULTS'`);
    await q.query(`ALTER TABLE imports DROP CONSTRAINT imports_kind_check`);
    await q.query(`ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN (${KINDS_BEFORE}))`);
  }
}
