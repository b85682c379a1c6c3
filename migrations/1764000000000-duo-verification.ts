import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DUO's verification as the minister described it (DOMAIN.md "The exemption workflow", "Contracts known at DUO,
 * and presented declarations"):
 *  - schools.closed_on: the school no longer exists (KvK deregistered) from the day after;
 *  - duo_contracts: DUO's own records of loan-paid course contracts, stored on their natural key;
 *  - hours_declarations.source / school_kvk: a declaration is in its school's register (SCHOOL) or was presented
 *    to DUO by the learner (PRESENTED), then possibly in the name of a KvK that is no registered school
 *    (school_id null). school_kvk is filled from the school when not given, so every writer (API, bulk COPY)
 *    keeps it right;
 *  - exemption_declarations.presented_as: how a declaration DUO entered as presented matched the register;
 *  - confirmation requests go per school concerned: the declarations they ask about move to
 *    confirmation_request_declarations.
 */
export class DuoVerification1764000000000 implements MigrationInterface {
  name = 'DuoVerification1764000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schools ADD COLUMN closed_on date`);

    await q.query(`
      CREATE TABLE duo_contracts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        learner_id uuid NOT NULL REFERENCES learners(id),
        school_kvk char(8) NOT NULL,
        contract_reference text NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        hours numeric(7,2) NOT NULL CHECK (hours > 0),
        price_cents bigint NOT NULL CHECK (price_cents >= 0),
        import_id uuid REFERENCES imports(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date >= start_date),
        CONSTRAINT duo_contracts_row_key UNIQUE (learner_id, school_kvk, contract_reference, start_date, end_date, hours, price_cents)
      )`);
    // "Known at DUO" probes by learner and KvK, then the period.
    await q.query(
      `CREATE INDEX duo_contracts_learner_school ON duo_contracts (learner_id, school_kvk, start_date)`,
    );
    await q.query(`CREATE INDEX duo_payments_learner_school ON duo_payments (learner_id, school_kvk)`);
    await q.query(`ALTER TABLE imports DROP CONSTRAINT imports_kind_check`);
    await q.query(
      `ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('LESSONS','LOAN_ACCOUNTS','PAYMENTS','CONTRACTS'))`,
    );

    await q.query(`
      ALTER TABLE hours_declarations
        ADD COLUMN source text NOT NULL DEFAULT 'SCHOOL' CHECK (source IN ('SCHOOL','PRESENTED')),
        ADD COLUMN school_kvk char(8),
        ALTER COLUMN school_id DROP NOT NULL`);
    await q.query(
      `UPDATE hours_declarations d SET school_kvk = s.kvk_number FROM schools s WHERE s.id = d.school_id`,
    );
    await q.query(`
      ALTER TABLE hours_declarations
        ALTER COLUMN school_kvk SET NOT NULL,
        ADD CONSTRAINT hours_declarations_school_kvk_check CHECK (school_kvk ~ '^[0-9]{8}$'),
        ADD CONSTRAINT hours_declarations_registered_school CHECK (source = 'PRESENTED' OR school_id IS NOT NULL)`);
    await q.query(`
      CREATE FUNCTION hours_declarations_school_kvk() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.school_id IS NOT NULL THEN
          NEW.school_kvk := (SELECT kvk_number FROM schools WHERE id = NEW.school_id);
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER hours_declarations_school_kvk BEFORE INSERT OR UPDATE OF school_id, school_kvk ON hours_declarations
      FOR EACH ROW EXECUTE FUNCTION hours_declarations_school_kvk()`);
    // The register lookup of a presented declaration, and its unregistered twin.
    await q.query(
      `CREATE INDEX hours_declarations_presented_match ON hours_declarations (learner_id, school_kvk, period_start)`,
    );

    await q.query(
      `ALTER TABLE exemption_declarations ADD COLUMN presented_as text CHECK (presented_as IN ('REGISTERED','NOT_REGISTERED'))`,
    );

    await q.query(`
      CREATE TABLE confirmation_request_declarations (
        confirmation_request_id uuid NOT NULL REFERENCES confirmation_requests(id),
        declaration_id uuid NOT NULL REFERENCES hours_declarations(id),
        PRIMARY KEY (confirmation_request_id, declaration_id)
      )`);
    await q.query(
      `CREATE INDEX confirmation_request_declarations_declaration ON confirmation_request_declarations (declaration_id)`,
    );
    await q.query(
      `INSERT INTO confirmation_request_declarations SELECT id, declaration_id FROM confirmation_requests`,
    );
    await q.query(`ALTER TABLE confirmation_requests DROP COLUMN declaration_id`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE confirmation_requests ADD COLUMN declaration_id uuid REFERENCES hours_declarations(id)`,
    );
    await q.query(`
      UPDATE confirmation_requests r SET declaration_id = c.declaration_id
        FROM (SELECT DISTINCT ON (confirmation_request_id) * FROM confirmation_request_declarations
               ORDER BY confirmation_request_id, declaration_id) c
       WHERE c.confirmation_request_id = r.id`);
    await q.query(`ALTER TABLE confirmation_requests ALTER COLUMN declaration_id SET NOT NULL`);
    await q.query(
      `ALTER TABLE confirmation_requests ADD CONSTRAINT confirmation_requests_once UNIQUE (exemption_id, declaration_id)`,
    );
    await q.query(`DROP TABLE confirmation_request_declarations`);
    await q.query(`ALTER TABLE exemption_declarations DROP COLUMN presented_as`);
    await q.query(`DROP INDEX hours_declarations_presented_match`);
    await q.query(`DROP TRIGGER hours_declarations_school_kvk ON hours_declarations`);
    await q.query(`DROP FUNCTION hours_declarations_school_kvk()`);
    await q.query(`DELETE FROM exemption_declarations ed USING hours_declarations d
                    WHERE d.id = ed.declaration_id AND d.school_id IS NULL`);
    await q.query(`DELETE FROM hours_declarations WHERE school_id IS NULL`);
    await q.query(`
      ALTER TABLE hours_declarations
        DROP CONSTRAINT hours_declarations_registered_school,
        DROP COLUMN school_kvk,
        DROP COLUMN source`);
    await q.query(`ALTER TABLE hours_declarations ALTER COLUMN school_id SET NOT NULL`);
    await q.query(`ALTER TABLE imports DROP CONSTRAINT imports_kind_check`);
    await q.query(
      `ALTER TABLE imports ADD CONSTRAINT imports_kind_check CHECK (kind IN ('LESSONS','LOAN_ACCOUNTS','PAYMENTS'))`,
    );
    await q.query(`DROP INDEX duo_payments_learner_school`);
    await q.query(`DROP TABLE duo_contracts`);
    await q.query(`ALTER TABLE schools DROP COLUMN closed_on`);
  }
}
