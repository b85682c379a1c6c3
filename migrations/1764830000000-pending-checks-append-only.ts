import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pending_checks outbox becomes append-only: a submission adds its markers instead of updating its school's
 * one marker row, so two submissions of one school no longer wait for each other's row lock until commit. The
 * processor claims markers by id and deletes exactly those it claimed; a scope marked twice is checked once.
 */
export class PendingChecksAppendOnly1764830000000 implements MigrationInterface {
  name = 'PendingChecksAppendOnly1764830000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pending_checks DROP CONSTRAINT pending_checks_pkey`);
    await q.query(`ALTER TABLE pending_checks ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pending_checks DROP COLUMN id`);
    await q.query(`
      DELETE FROM pending_checks p USING pending_checks q
      WHERE p.scope_type = q.scope_type AND p.scope_id = q.scope_id AND p.ctid < q.ctid`);
    await q.query(`ALTER TABLE pending_checks ADD PRIMARY KEY (scope_type, scope_id)`);
  }
}
