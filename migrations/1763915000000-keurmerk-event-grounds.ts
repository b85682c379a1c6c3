import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The grounds of a suspension (schorsing) or withdrawal (intrekking): FRAUD, QUALITY or OWN_REQUEST (the
 * school let it lapse). Optional, and only on those two statuses; the supervision report counts them.
 */
export class KeurmerkEventGrounds1763915000000 implements MigrationInterface {
  name = 'KeurmerkEventGrounds1763915000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE keurmerk_events
        ADD COLUMN grounds text CHECK (grounds IN ('FRAUD','QUALITY','OWN_REQUEST')),
        ADD CONSTRAINT keurmerk_events_grounds_status CHECK (grounds IS NULL OR status IN ('SUSPENDED','WITHDRAWN'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE keurmerk_events DROP CONSTRAINT keurmerk_events_grounds_status, DROP COLUMN grounds`,
    );
  }
}
