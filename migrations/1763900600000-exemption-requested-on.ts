import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day the learner filed the exemption request. AGI needs 4 exam attempts for requests filed
 * before 2023-04-01 and 3 after; the day DUO registers the request in the portal may be later.
 */
export class ExemptionRequestedOn1763900600000 implements MigrationInterface {
  name = 'ExemptionRequestedOn1763900600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE exemptions ADD COLUMN requested_on date NOT NULL DEFAULT ((now() AT TIME ZONE 'Europe/Amsterdam')::date)`,
    );
    await q.query(
      `CREATE INDEX exemption_declarations_declaration ON exemption_declarations (declaration_id)`,
    );
    await q.query(`CREATE INDEX forgery_reports_school ON forgery_reports (school_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX forgery_reports_school`);
    await q.query(`DROP INDEX exemption_declarations_declaration`);
    await q.query(`ALTER TABLE exemptions DROP COLUMN requested_on`);
  }
}
