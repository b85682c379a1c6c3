import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key is claimed before its request runs: a row without a response (response_status NULL)
 * is a request in progress, which concurrent duplicates wait for. Users can be disabled (disabled_at):
 * their tokens stop working at once, as every request reads the user.
 */
export class Hardening1764700000000 implements MigrationInterface {
  name = 'Hardening1764700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ALTER COLUMN response_status DROP NOT NULL`);
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at`);
    await q.query(`DELETE FROM idempotency_keys WHERE response_status IS NULL`);
    await q.query(`ALTER TABLE idempotency_keys ALTER COLUMN response_status SET NOT NULL`);
  }
}
