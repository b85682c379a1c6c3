import { MigrationInterface, QueryRunner } from 'typeorm';

/** How long each unit of a check run took: a whole-country run queues its units longest first by the last run. */
export class CheckRunUnitDurations1764850000000 implements MigrationInterface {
  name = 'CheckRunUnitDurations1764850000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE check_run_units ADD COLUMN duration_ms integer`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE check_run_units DROP COLUMN duration_ms`);
  }
}
