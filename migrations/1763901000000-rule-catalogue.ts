import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rule catalogue of DOMAIN.md as data (rules are parameters an auditor may change), the units
 * of a check run (so a retried unit is counted once), and an index to withdraw a rule's flags by.
 */
export class RuleCatalogue1763901000000 implements MigrationInterface {
  name = 'RuleCatalogue1763901000000';

  public async up(q: QueryRunner): Promise<void> {
    const rules: [string, string, string, string, object][] = [
      [
        'DECLARATION_WITHOUT_DUO_CONTRACT',
        'HOURS_DECLARATION',
        'HIGH',
        'No DUO payment names the same learner and school (HIGH when the school registered no contract with the learner either, else MEDIUM). confirmationDays: days a school has to answer a confirmation request.',
        { confirmationDays: 28 },
      ],
      [
        'DECLARED_HOURS_EXCEED_ATTENDANCE',
        'HOURS_DECLARATION',
        'HIGH',
        "Declared hours exceed the hours the learner attended at the school's counting lessons in the period (plus toleranceHours).",
        { toleranceHours: 0 },
      ],
      [
        'DECLARED_HOURS_EXCEED_CONTRACT',
        'HOURS_DECLARATION',
        'MEDIUM',
        "Declared hours exceed the contracted hours of the school's contracts with the learner overlapping the period (plus toleranceHours).",
        { toleranceHours: 0 },
      ],
      [
        'DECLARATION_OUTSIDE_KEURMERK',
        'HOURS_DECLARATION',
        'HIGH',
        'On some day of the declared period the school held no valid keurmerk.',
        {},
      ],
      [
        'INVOICE_EXCEEDS_CONTRACT',
        'INVOICE',
        'MEDIUM',
        "The invoiced amount or hours on the contract, summed in invoice order up to this invoice, exceed the contract's.",
        {},
      ],
      [
        'INVOICED_HOURS_EXCEED_ATTENDANCE',
        'INVOICE',
        'HIGH',
        "Invoiced hours exceed the hours the learner attended at the school's counting lessons in the invoice period (plus toleranceHours).",
        { toleranceHours: 0 },
      ],
      [
        'INVOICE_OUTSIDE_KEURMERK',
        'INVOICE',
        'HIGH',
        'On some day of the invoice period the school held no valid keurmerk.',
        {},
      ],
      [
        'INVOICE_AMOUNT_MISMATCH',
        'INVOICE',
        'MEDIUM',
        'DUO paid another amount for this invoice number (more than toleranceCents apart).',
        { toleranceCents: 0 },
      ],
      [
        'PAYMENT_WITHOUT_INVOICE',
        'DUO_PAYMENT',
        'HIGH',
        'DUO paid an invoice number the school never registered.',
        {},
      ],
      [
        'QUARTERLY_CAP_EXCEEDED',
        'LEARNER',
        'MEDIUM',
        'DUO payments for the learner in a calendar quarter, over all schools, exceed capCents.',
        { capCents: 200000 },
      ],
      [
        'LOAN_LIMIT_EXCEEDED',
        'LEARNER',
        'HIGH',
        "DUO payments for the learner exceed the learner's loan limit.",
        {},
      ],
      [
        'GROUP_SIZE_EXCEEDED',
        'LESSON',
        'MEDIUM',
        "A lesson's attendees exceed the group's maximum: its own maxSize capped by the route maximum (LOW under GROUP_SIZE_LENIENCY).",
        { routeMaxima: { B1: 16, Z: 16, ALFA: 12, ONDERWIJS: 16, WI2013: 16 } },
      ],
      [
        'LEARNER_DOUBLE_BOOKED',
        'LESSON',
        'HIGH',
        'A learner attends two lessons that overlap in time, at any schools.',
        {},
      ],
      ['TEACHER_DOUBLE_BOOKED', 'LESSON', 'HIGH', 'A teacher teaches two lessons that overlap in time.', {}],
      [
        'ATTENDANCE_WITHOUT_CONTRACT',
        'LEARNER',
        'MEDIUM',
        "The learner attended the school's lessons on days no contract with that school covers.",
        {},
      ],
      [
        'CERTIFIED_LESSON_SHARE_BELOW_NORM',
        'SCHOOL_YEAR',
        'HIGH',
        'Lessons by counting (certified, or under a valid measure) teachers / all lessons in a calendar year < norm, with at least minimumLessons lessons (LOW under DEFERRED_ENFORCEMENT).',
        { norm: 0.8, minimumLessons: 20 },
      ],
    ];
    for (const [code, subjectType, severity, description, parameters] of rules) {
      await q.query(
        `INSERT INTO rules (code, description, subject_type, default_severity, severity, enabled, parameters)
         VALUES ($1, $2, $3, $4, $4, true, $5) ON CONFLICT (code) DO NOTHING`,
        [code, description, subjectType, severity, JSON.stringify(parameters)],
      );
    }

    // One row per finished unit (a school, or the cross-school learner rules) of a check run: a unit
    // retried after a crash is counted once.
    await q.query(`
      CREATE TABLE check_run_units (
        check_run_id uuid NOT NULL REFERENCES check_runs(id),
        unit text NOT NULL,
        flags_raised int NOT NULL,
        flags_withdrawn int NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (check_run_id, unit)
      )`);
    // When each school's records were last all checked: a school marker sweeps the whole school again
    // only when its keurmerk or measures changed since (records with learners are checked by learner).
    await q.query(`
      CREATE TABLE school_sweeps (
        school_id uuid PRIMARY KEY REFERENCES schools(id),
        swept_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX flags_rule_status ON flags (rule_code, status)`);
    // The double-booking check reads a learner's attendance in time order with the lesson ids: index-only.
    await q.query(`DROP INDEX lesson_attendees_learner_time`);
    await q.query(
      `CREATE INDEX lesson_attendees_learner_time ON lesson_attendees (learner_id, starts_at) INCLUDE (ends_at, school_id, lesson_date, counts, lesson_id)`,
    );
    // A learner's uncovered attendance at two schools is two irregularities, each its own school's to see:
    // the natural key of a flag includes its school (for every other subject the school follows from it).
    await q.query(`ALTER TABLE flags DROP CONSTRAINT flags_natural_key`);
    await q.query(`
      ALTER TABLE flags ADD CONSTRAINT flags_natural_key
      UNIQUE NULLS NOT DISTINCT (rule_code, subject_type, subject_id, school_id, period_from, period_to)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flags DROP CONSTRAINT flags_natural_key`);
    await q.query(`
      ALTER TABLE flags ADD CONSTRAINT flags_natural_key
      UNIQUE NULLS NOT DISTINCT (rule_code, subject_type, subject_id, period_from, period_to)`);
    await q.query(`DROP INDEX lesson_attendees_learner_time`);
    await q.query(
      `CREATE INDEX lesson_attendees_learner_time ON lesson_attendees (learner_id, starts_at) INCLUDE (ends_at, school_id, lesson_date, counts)`,
    );
    await q.query(`DROP INDEX flags_rule_status`);
    await q.query(`DROP TABLE school_sweeps`);
    await q.query(`DROP TABLE check_run_units`);
    await q.query(`DELETE FROM rules`);
  }
}
