import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervision (toezicht) by Blik op Werk, DUO and the NLA: signals (meldingen) with their timeline and
 * linked flags, keurmerk applications with their decision, and inspections. The supervision report
 * counts them by receivedOn, decidedOn and visitedOn.
 */
export class Supervision1763915100000 implements MigrationInterface {
  name = 'Supervision1763915100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        received_by text NOT NULL CHECK (received_by IN ('BOW','DUO','NLA')),
        source text NOT NULL CHECK (source IN ('EXAM_LOCATION','SCHOOL','LEARNER','MUNICIPALITY','CHAIN_PARTNER','ANONYMOUS','OTHER')),
        category text NOT NULL CHECK (category IN ('EXAM_FRAUD','RESULTS_BELOW_HOURS','LESSONS_NOT_GIVEN','HOURS_INFLATED','FORGED_DECLARATION','QUALITY','OTHER')),
        received_on date NOT NULL,
        description text NOT NULL,
        school_id uuid REFERENCES schools(id),
        learner_id uuid REFERENCES learners(id),
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','IN_PROGRESS','CLOSED')),
        outcome text CHECK (outcome IN ('NO_GROUNDS','MEASURES_TAKEN','REFERRED')),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT signals_closed_with_outcome CHECK ((status = 'CLOSED') = (outcome IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX signals_received ON signals (received_on)`);
    await q.query(`CREATE INDEX signals_school ON signals (school_id) WHERE school_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE signal_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        signal_id uuid NOT NULL REFERENCES signals(id),
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        action text NOT NULL CHECK (action IN ('RECEIVED','LINK_FLAG','SHARE','REFER_TO_NLA','CLOSE')),
        actor_id uuid REFERENCES users(id),
        reason text,
        details jsonb
      )`);
    await q.query(`CREATE INDEX signal_events_signal ON signal_events (signal_id, at)`);
    await q.query(`
      CREATE TABLE signal_flags (
        signal_id uuid NOT NULL REFERENCES signals(id),
        flag_id uuid NOT NULL REFERENCES flags(id),
        PRIMARY KEY (signal_id, flag_id)
      )`);
    await q.query(`CREATE INDEX signal_flags_flag ON signal_flags (flag_id)`);
    await q.query(`
      CREATE TABLE keurmerk_applications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        kind text NOT NULL CHECK (kind IN ('ASPIRANT','KEURMERK')),
        received_on date NOT NULL,
        status text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN ('RECEIVED','GRANTED','REFUSED')),
        decision_reason text,
        decided_on date,
        effective_from date,
        decided_by uuid REFERENCES users(id),
        keurmerk_event_id uuid REFERENCES keurmerk_events(id),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT keurmerk_applications_decided CHECK ((status = 'RECEIVED') = (decided_on IS NULL)),
        CONSTRAINT keurmerk_applications_decided_after_receipt CHECK (decided_on >= received_on),
        CONSTRAINT keurmerk_applications_granted_event CHECK ((status = 'GRANTED') = (keurmerk_event_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX keurmerk_applications_school ON keurmerk_applications (school_id, received_on)`,
    );
    await q.query(`CREATE INDEX keurmerk_applications_decided ON keurmerk_applications (decided_on)`);
    await q.query(`
      CREATE TABLE inspections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        kind text NOT NULL CHECK (kind IN ('AUDIT','FINANCIAL_AUDIT','UNANNOUNCED_VISIT')),
        visited_on date NOT NULL,
        findings text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('NO_FINDINGS','FINDINGS','MEASURES')),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX inspections_school ON inspections (school_id, visited_on)`);
    await q.query(`CREATE INDEX inspections_visited ON inspections (visited_on)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inspections`);
    await q.query(`DROP TABLE keurmerk_applications`);
    await q.query(`DROP TABLE signal_flags`);
    await q.query(`DROP TABLE signal_events`);
    await q.query(`DROP TABLE signals`);
  }
}
