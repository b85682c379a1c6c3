import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's server-side sessions (express-session with connect-pg-simple; its table layout). The cookie
 * holds only the session id; the user id and the CSRF token live here, and an idle session expires.
 */
export class ConsoleSessions1764600000000 implements MigrationInterface {
  name = 'ConsoleSessions1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE console_sessions (
         sid varchar NOT NULL PRIMARY KEY,
         sess json NOT NULL,
         expire timestamp(6) NOT NULL
       )`,
    );
    await q.query(`CREATE INDEX console_sessions_expire ON console_sessions (expire)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE console_sessions`);
  }
}
