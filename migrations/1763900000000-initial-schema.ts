import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portal's schema. Hand-written where generators fall short: CHECK constraints, the
 * append-only audit trigger, the keurmerk validity view and function, NULLS NOT DISTINCT keys.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    // --- people and schools -------------------------------------------------------------
    await q.query(`
      CREATE TABLE schools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kvk_number char(8) NOT NULL CHECK (kvk_number ~ '^[0-9]{8}$'),
        bow_number text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT schools_kvk_number_key UNIQUE (kvk_number)
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email)),
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('ADMIN','AUDITOR','DUO','SCHOOL')),
        school_id uuid REFERENCES schools(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email),
        CONSTRAINT users_school_role CHECK ((role = 'SCHOOL') = (school_id IS NOT NULL))
      )`);
    // keurmerkhouder history: the latest event on or before a day decides validity that day.
    await q.query(`
      CREATE TABLE keurmerk_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        status text NOT NULL CHECK (status IN ('ASPIRANT','GRANTED','SUSPENDED','WITHDRAWN')),
        effective_from date NOT NULL,
        reason text NOT NULL,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(
      `CREATE INDEX keurmerk_events_school_day ON keurmerk_events (school_id, effective_from, created_at)`,
    );
    // tijdelijke maatregelen NT2-docententekort
    await q.query(`
      CREATE TABLE measures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        kind text NOT NULL CHECK (kind IN ('EXPERIENCED_TEACHERS','TEACHERS_IN_TRAINING','DEFERRED_ENFORCEMENT','GROUP_SIZE_LENIENCY')),
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        note text,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to >= valid_from)
      )`);
    await q.query(`CREATE INDEX measures_school_kind ON measures (school_id, kind, valid_from)`);

    // Keurmerk status per stretch of days, including the NONE stretch before the first event.
    await q.query(`
      CREATE VIEW keurmerk_status_periods AS
      WITH ordered AS (
        SELECT school_id, status, effective_from,
               lead(effective_from) OVER (PARTITION BY school_id ORDER BY effective_from, created_at, id) AS next_from
        FROM keurmerk_events
      )
      SELECT school_id, status, effective_from AS from_date, (next_from - 1) AS to_date,
             status IN ('ASPIRANT','GRANTED') AS valid
      FROM ordered
      WHERE next_from IS NULL OR next_from > effective_from
      UNION ALL
      SELECT s.id, 'NONE', '-infinity'::date,
             (SELECT min(e.effective_from) - 1 FROM keurmerk_events e WHERE e.school_id = s.id), false
      FROM schools s`);
    await q.query(`
      CREATE FUNCTION keurmerk_status_on(p_school uuid, p_day date) RETURNS text
      LANGUAGE sql STABLE AS $$
        SELECT coalesce((SELECT status FROM keurmerk_events
                          WHERE school_id = p_school AND effective_from <= p_day
                          ORDER BY effective_from DESC, created_at DESC, id DESC LIMIT 1), 'NONE')
      $$`);
    await q.query(`
      CREATE FUNCTION keurmerk_valid_on(p_school uuid, p_day date) RETURNS boolean
      LANGUAGE sql STABLE AS $$ SELECT keurmerk_status_on(p_school, p_day) IN ('ASPIRANT','GRANTED') $$`);
    /** Days of [p_from, p_to] on which the school held no valid keurmerk, as ranges. */
    await q.query(`
      CREATE FUNCTION keurmerk_invalid_ranges(p_school uuid, p_from date, p_to date)
      RETURNS TABLE (status text, from_date date, to_date date)
      LANGUAGE sql STABLE AS $$
        SELECT p.status, greatest(p.from_date, p_from), least(coalesce(p.to_date, 'infinity'::date), p_to)
        FROM keurmerk_status_periods p
        WHERE p.school_id = p_school AND NOT p.valid
          AND p.from_date <= p_to AND coalesce(p.to_date, 'infinity'::date) >= p_from
        ORDER BY 2
      $$`);

    // --- audit trail (append-only) ------------------------------------------------------
    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id uuid,
        actor_role text,
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        before jsonb,
        after jsonb
      )`);
    await q.query(`CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id, at)`);
    await q.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, at)`);
    await q.query(`CREATE INDEX audit_events_at ON audit_events (at)`);
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
    // Triggers fire for superusers too, but not with session_replication_role = replica: make them ALWAYS.
    await q.query(`ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_update_delete`);
    await q.query(`ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        body_hash text NOT NULL,
        response_status int NOT NULL,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);

    // --- learners (inburgeraars) and DUO loan data ---------------------------------------
    await q.query(`
      CREATE TABLE learners (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        bsn_hash bytea NOT NULL,
        bsn_ciphertext bytea NOT NULL,
        bsn_last4 char(4) NOT NULL,
        loan_limit_cents bigint CHECK (loan_limit_cents >= 0),
        term_ends_on date,
        cohort_year int,
        still_obliged boolean,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT learners_bsn_hash_key UNIQUE (bsn_hash)
      )`);

    // --- what a school submits ----------------------------------------------------------
    await q.query(`
      CREATE TABLE teachers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        name text NOT NULL,
        reference text NOT NULL,
        nt2_certified boolean NOT NULL,
        certified_since date,
        nt2_experience_years numeric(4,1) CHECK (nt2_experience_years >= 0),
        related_qualification text CHECK (related_qualification IN ('DUTCH','MODERN_FOREIGN_LANGUAGE','PABO','OUTDATED_NT2')),
        nt2_training_started_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT teachers_school_reference_key UNIQUE (school_id, reference)
      )`);
    await q.query(`
      CREATE TABLE groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        code text NOT NULL,
        route text NOT NULL CHECK (route IN ('B1','Z','ALFA','ONDERWIJS','WI2013')),
        max_size int CHECK (max_size > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT groups_school_code_key UNIQUE (school_id, code)
      )`);
    await q.query(`
      CREATE TABLE imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('LESSONS','LOAN_ACCOUNTS','PAYMENTS')),
        school_id uuid REFERENCES schools(id),
        status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','DONE','FAILED')),
        file_path text NOT NULL,
        file_sha256 text NOT NULL,
        file_bytes bigint NOT NULL,
        rows_total int NOT NULL DEFAULT 0,
        rows_accepted int NOT NULL DEFAULT 0,
        rows_rejected int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        failure text,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX imports_pending ON imports (created_at) WHERE status IN ('QUEUED','RUNNING')`,
    );
    await q.query(`
      CREATE TABLE lessons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        group_id uuid NOT NULL REFERENCES groups(id),
        teacher_id uuid NOT NULL REFERENCES teachers(id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        mode text NOT NULL DEFAULT 'IN_PERSON' CHECK (mode IN ('IN_PERSON','ONLINE_AT_SCHOOL','REMOTE')),
        -- A lesson's date is its date in Europe/Amsterdam; its hours are its duration.
        lesson_date date GENERATED ALWAYS AS ((starts_at AT TIME ZONE 'Europe/Amsterdam')::date) STORED,
        hours numeric(5,2) GENERATED ALWAYS AS (round(extract(epoch FROM (ends_at - starts_at)) / 3600, 2)) STORED,
        import_id uuid REFERENCES imports(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '8 hours'),
        CONSTRAINT lessons_natural_key UNIQUE (school_id, group_id, teacher_id, starts_at, ends_at)
      )`);
    await q.query(`CREATE INDEX lessons_school_date ON lessons (school_id, lesson_date)`);
    await q.query(`CREATE INDEX lessons_teacher_time ON lessons (teacher_id, starts_at)`);
    // Attendance, denormalised with the lesson's school, times and whether it counts (not REMOTE),
    // so the checks read one narrow table instead of joining twelve million rows to lessons.
    await q.query(`
      CREATE TABLE lesson_attendees (
        lesson_id uuid NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
        learner_id uuid NOT NULL REFERENCES learners(id),
        school_id uuid NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        lesson_date date NOT NULL,
        counts boolean NOT NULL,
        PRIMARY KEY (lesson_id, learner_id)
      )`);
    await q.query(
      `CREATE INDEX lesson_attendees_learner_time ON lesson_attendees (learner_id, starts_at) INCLUDE (ends_at, school_id, lesson_date, counts)`,
    );
    await q.query(`
      CREATE TABLE contracts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        learner_id uuid NOT NULL REFERENCES learners(id),
        reference text NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        hours numeric(7,2) NOT NULL CHECK (hours > 0),
        price_cents bigint NOT NULL CHECK (price_cents >= 0),
        funding text NOT NULL CHECK (funding IN ('DUO_LOAN','SELF','MUNICIPALITY')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date >= start_date),
        CONSTRAINT contracts_school_reference_key UNIQUE (school_id, reference)
      )`);
    await q.query(`CREATE INDEX contracts_learner_school ON contracts (learner_id, school_id, start_date)`);
    await q.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        contract_id uuid NOT NULL REFERENCES contracts(id),
        learner_id uuid NOT NULL REFERENCES learners(id),
        invoice_number text NOT NULL,
        invoice_date date NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        hours numeric(7,2) NOT NULL CHECK (hours > 0),
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (period_end >= period_start AND invoice_date >= period_end),
        CONSTRAINT invoices_school_number_key UNIQUE (school_id, invoice_number)
      )`);
    await q.query(
      `CREATE INDEX invoices_contract_order ON invoices (contract_id, invoice_date, invoice_number)`,
    );
    await q.query(`CREATE INDEX invoices_learner ON invoices (learner_id)`);
    // urenverklaringen
    await q.query(`
      CREATE TABLE hours_declarations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools(id),
        learner_id uuid NOT NULL REFERENCES learners(id),
        purpose text NOT NULL CHECK (purpose IN ('AGI','ONA')),
        period_start date NOT NULL,
        period_end date NOT NULL,
        hours numeric(7,2) NOT NULL CHECK (hours > 0),
        issued_on date NOT NULL,
        status text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN ('RECEIVED','CHECKED','FLAGGED','ACCEPTED','REJECTED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (period_end >= period_start)
      )`);
    await q.query(
      `CREATE INDEX hours_declarations_learner_school ON hours_declarations (learner_id, school_id)`,
    );
    await q.query(`CREATE INDEX hours_declarations_school ON hours_declarations (school_id, created_at)`);

    // --- DUO payments -------------------------------------------------------------------
    await q.query(`
      CREATE TABLE duo_payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        learner_id uuid NOT NULL REFERENCES learners(id),
        school_kvk char(8) NOT NULL,
        contract_reference text NOT NULL,
        invoice_number text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        paid_on date NOT NULL,
        import_id uuid REFERENCES imports(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT duo_payments_row_key UNIQUE (learner_id, school_kvk, contract_reference, invoice_number, amount_cents, paid_on)
      )`);
    await q.query(`CREATE INDEX duo_payments_invoice ON duo_payments (school_kvk, invoice_number)`);
    await q.query(`CREATE INDEX duo_payments_learner_paid ON duo_payments (learner_id, paid_on)`);

    // --- rules, flags and check runs ----------------------------------------------------
    await q.query(`
      CREATE TABLE rules (
        code text PRIMARY KEY,
        description text NOT NULL,
        subject_type text NOT NULL,
        default_severity text NOT NULL CHECK (default_severity IN ('LOW','MEDIUM','HIGH')),
        severity text NOT NULL CHECK (severity IN ('LOW','MEDIUM','HIGH')),
        enabled boolean NOT NULL DEFAULT true,
        parameters jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE flags (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_code text NOT NULL REFERENCES rules(code),
        severity text NOT NULL CHECK (severity IN ('LOW','MEDIUM','HIGH')),
        status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','IN_REVIEW','CONFIRMED','DISMISSED','WITHDRAWN')),
        school_id uuid REFERENCES schools(id),
        subject_type text NOT NULL CHECK (subject_type IN ('HOURS_DECLARATION','INVOICE','LESSON','LEARNER','SCHOOL_YEAR','DUO_PAYMENT')),
        subject_id uuid NOT NULL,
        period_from date,
        period_to date,
        explanation text NOT NULL,
        evidence jsonb NOT NULL DEFAULT '{}',
        raised_at timestamptz NOT NULL DEFAULT now(),
        last_checked_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz,
        assignee_id uuid REFERENCES users(id),
        decision_outcome text CHECK (decision_outcome IN ('CONFIRMED','DISMISSED')),
        decision_reason text,
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        CONSTRAINT flags_natural_key UNIQUE NULLS NOT DISTINCT (rule_code, subject_type, subject_id, period_from, period_to)
      )`);
    await q.query(`CREATE INDEX flags_review ON flags (status, severity, raised_at)`);
    await q.query(`CREATE INDEX flags_school ON flags (school_id, status)`);
    await q.query(`CREATE INDEX flags_subject ON flags (subject_id)`);
    await q.query(`
      CREATE TABLE flag_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        flag_id uuid NOT NULL REFERENCES flags(id),
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        action text NOT NULL CHECK (action IN ('RAISED','RECONFIRMED','ASSIGNED','DECIDED','WITHDRAWN','REOPENED')),
        actor_id uuid REFERENCES users(id),
        check_run_id uuid,
        details jsonb
      )`);
    await q.query(`CREATE INDEX flag_events_flag ON flag_events (flag_id, at)`);
    await q.query(`
      CREATE TABLE check_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid REFERENCES schools(id),
        status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','DONE','FAILED')),
        units_total int NOT NULL DEFAULT 0,
        units_done int NOT NULL DEFAULT 0,
        flags_raised int NOT NULL DEFAULT 0,
        flags_withdrawn int NOT NULL DEFAULT 0,
        trigger text NOT NULL DEFAULT 'MANUAL' CHECK (trigger IN ('MANUAL','NIGHTLY','RULE_CHANGE')),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    // Outbox of checks to run: written in the submission's transaction, so Redis may lose the job, never the work.
    await q.query(`
      CREATE TABLE pending_checks (
        scope_type text NOT NULL CHECK (scope_type IN ('SCHOOL','LEARNER')),
        scope_id uuid NOT NULL,
        marked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope_type, scope_id)
      )`);

    // --- exemptions (ontheffingen) -----------------------------------------------------
    await q.query(`
      CREATE TABLE exemptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        learner_id uuid NOT NULL REFERENCES learners(id),
        grounds text NOT NULL CHECK (grounds IN ('AGI','MEDICAL','AVI')),
        status text NOT NULL CHECK (status IN ('READY_FOR_DECISION','AWAITING_SCHOOL','AWAITING_LEARNER_EVIDENCE','INTENDED_REFUSAL','GRANTED','REFUSED')),
        exam_attempts int CHECK (exam_attempts >= 0),
        decision_reason text,
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX exemptions_status ON exemptions (status)`);
    await q.query(`
      CREATE TABLE exemption_declarations (
        exemption_id uuid NOT NULL REFERENCES exemptions(id),
        declaration_id uuid NOT NULL REFERENCES hours_declarations(id),
        PRIMARY KEY (exemption_id, declaration_id)
      )`);
    await q.query(`
      CREATE TABLE exemption_timeline (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        exemption_id uuid NOT NULL REFERENCES exemptions(id),
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        action text NOT NULL,
        actor_id uuid REFERENCES users(id),
        status_after text NOT NULL,
        reason text,
        details jsonb
      )`);
    await q.query(`CREATE INDEX exemption_timeline_exemption ON exemption_timeline (exemption_id, at)`);
    await q.query(`
      CREATE TABLE confirmation_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        exemption_id uuid NOT NULL REFERENCES exemptions(id),
        declaration_id uuid NOT NULL REFERENCES hours_declarations(id),
        school_id uuid NOT NULL REFERENCES schools(id),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','CONFIRMED','DENIED','EXPIRED','CANCELLED')),
        due_on date NOT NULL,
        issued boolean,
        note text,
        responded_by uuid REFERENCES users(id),
        responded_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT confirmation_requests_once UNIQUE (exemption_id, declaration_id)
      )`);
    await q.query(`CREATE INDEX confirmation_requests_school ON confirmation_requests (school_id, status)`);
    // aangifte van valsheid in geschrifte
    await q.query(`
      CREATE TABLE forgery_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        declaration_id uuid NOT NULL REFERENCES hours_declarations(id),
        school_id uuid NOT NULL REFERENCES schools(id),
        exemption_id uuid REFERENCES exemptions(id),
        confirmation_request_id uuid REFERENCES confirmation_requests(id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT forgery_reports_declaration_key UNIQUE (declaration_id)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'forgery_reports',
      'confirmation_requests',
      'exemption_timeline',
      'exemption_declarations',
      'exemptions',
      'pending_checks',
      'check_runs',
      'flag_events',
      'flags',
      'rules',
      'duo_payments',
      'hours_declarations',
      'invoices',
      'contracts',
      'lesson_attendees',
      'lessons',
      'imports',
      'groups',
      'teachers',
      'learners',
      'idempotency_keys',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP TRIGGER audit_events_no_truncate ON audit_events`);
    await q.query(`DROP TRIGGER audit_events_no_update_delete ON audit_events`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
    await q.query(`DROP FUNCTION keurmerk_invalid_ranges(uuid, date, date)`);
    await q.query(`DROP FUNCTION keurmerk_valid_on(uuid, date)`);
    await q.query(`DROP FUNCTION keurmerk_status_on(uuid, date)`);
    await q.query(`DROP VIEW keurmerk_status_periods`);
    await q.query(`DROP TABLE measures`);
    await q.query(`DROP TABLE keurmerk_events`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE schools`);
  }
}
