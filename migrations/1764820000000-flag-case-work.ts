import { MigrationInterface, QueryRunner } from 'typeorm';

const EVENT_ACTIONS = ['RAISED', 'RECONFIRMED', 'ASSIGNED', 'DECIDED', 'WITHDRAWN', 'REOPENED'];
const CASE_WORK_ACTIONS = [
  'HEARING_REQUESTED',
  'HEARING_ANSWERED',
  'DECISION_PROPOSED',
  'DECISION_APPROVED',
  'DECISION_REJECTED',
];
const actionCheck = (actions: string[]) =>
  `CHECK (action IN (${actions.map((action) => `'${action}'`).join(',')}))`;

/**
 * Case work on a flag (DOMAIN.md "Case work on flags"): one hearing of the school (hoor en wederhoor) and a
 * proposed decision awaiting a second person's approval (four eyes). Both live on the flag row, so the
 * decision and its gates are checked under the flag's row lock; every step also goes on flag_events.
 */
export class FlagCaseWork1764820000000 implements MigrationInterface {
  name = 'FlagCaseWork1764820000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE flags
        ADD COLUMN hearing_question text,
        ADD COLUMN hearing_due_on date,
        ADD COLUMN hearing_requested_at timestamptz,
        ADD COLUMN hearing_requested_by uuid REFERENCES users(id),
        ADD COLUMN hearing_statement text,
        ADD COLUMN hearing_responded_at timestamptz,
        ADD COLUMN hearing_responded_by uuid REFERENCES users(id),
        ADD COLUMN pending_outcome text CHECK (pending_outcome IN ('CONFIRMED')),
        ADD COLUMN pending_reason text,
        ADD COLUMN pending_proposed_by uuid REFERENCES users(id),
        ADD COLUMN pending_proposed_at timestamptz,
        ADD COLUMN decision_approved_by uuid REFERENCES users(id),
        ADD CONSTRAINT flags_hearing_complete CHECK ((hearing_requested_at IS NULL) = (hearing_due_on IS NULL)),
        ADD CONSTRAINT flags_pending_complete CHECK ((pending_outcome IS NULL) = (pending_proposed_by IS NULL))`);
    // GET /flags?hearing=OPEN: the few hearings awaiting an answer, per school.
    await q.query(`
      CREATE INDEX flags_open_hearing ON flags (school_id, hearing_due_on)
        WHERE hearing_requested_at IS NOT NULL AND hearing_responded_at IS NULL`);
    await q.query(`ALTER TABLE flag_events DROP CONSTRAINT flag_events_action_check`);
    await q.query(
      `ALTER TABLE flag_events ADD CONSTRAINT flag_events_action_check ${actionCheck([...EVENT_ACTIONS, ...CASE_WORK_ACTIONS])}`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM flag_events WHERE action = ANY($1)`, [CASE_WORK_ACTIONS]);
    await q.query(`ALTER TABLE flag_events DROP CONSTRAINT flag_events_action_check`);
    await q.query(
      `ALTER TABLE flag_events ADD CONSTRAINT flag_events_action_check ${actionCheck(EVENT_ACTIONS)}`,
    );
    await q.query(`DROP INDEX flags_open_hearing`);
    await q.query(`
      ALTER TABLE flags
        DROP CONSTRAINT flags_hearing_complete,
        DROP CONSTRAINT flags_pending_complete,
        DROP COLUMN hearing_question, DROP COLUMN hearing_due_on, DROP COLUMN hearing_requested_at,
        DROP COLUMN hearing_requested_by, DROP COLUMN hearing_statement, DROP COLUMN hearing_responded_at,
        DROP COLUMN hearing_responded_by, DROP COLUMN pending_outcome, DROP COLUMN pending_reason,
        DROP COLUMN pending_proposed_by, DROP COLUMN pending_proposed_at,
        DROP COLUMN decision_approved_by`);
  }
}
