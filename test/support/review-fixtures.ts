/**
 * Fixtures for the review side (flags, exemptions, reports): records the checks and DUO imports
 * would produce, written straight into this test's database so each test controls exactly which
 * flags and payments exist.
 */
import { LearnersService } from '../../src/learners/learners.service';
import { TestApp } from './test-app';

let counter = 0;

export function learnerId(t: TestApp, bsn: string): Promise<string> {
  return t.app.get(LearnersService).resolveId(t.dataSource.manager, bsn);
}

export interface DeclarationFixture {
  schoolId: string;
  bsn: string;
  hours?: number;
  purpose?: 'AGI' | 'ONA';
  periodStart?: string;
  periodEnd?: string;
  issuedOn?: string;
  status?: string;
  /** When the declaration was received (created_at). */
  receivedAt?: string;
}

/** An hours declaration (urenverklaring) as a school's submission stores it. */
export async function declaration(t: TestApp, d: DeclarationFixture): Promise<string> {
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO hours_declarations (school_id, learner_id, purpose, period_start, period_end, hours, issued_on, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now())) RETURNING id`,
    [
      d.schoolId,
      await learnerId(t, d.bsn),
      d.purpose ?? 'AGI',
      d.periodStart ?? '2024-01-01',
      d.periodEnd ?? '2024-06-30',
      d.hours ?? 100,
      d.issuedOn ?? '2024-07-01',
      d.status ?? 'CHECKED',
      d.receivedAt ?? null,
    ],
  );
  return row.id;
}

/** A DUO payment row: makes the learner's contract with the school "known at DUO". */
export async function duoPayment(
  t: TestApp,
  p: { bsn: string; schoolKvk: string; amountCents?: number; paidOn?: string },
): Promise<string> {
  const n = ++counter;
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO duo_payments (learner_id, school_kvk, contract_reference, invoice_number, amount_cents, paid_on)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      await learnerId(t, p.bsn),
      p.schoolKvk,
      `C-${n}`,
      `F-${n}`,
      p.amountCents ?? 100_000,
      p.paidOn ?? '2024-03-01',
    ],
  );
  return row.id;
}

/** The rule row a flag refers to (seeded by the checks' migration; inserted here if not there yet). */
export async function ensureRule(
  t: TestApp,
  code: string,
  subjectType: string,
  severity = 'HIGH',
): Promise<void> {
  await t.sql(
    `INSERT INTO rules (code, description, subject_type, default_severity, severity) VALUES ($1, $1, $2, $3, $3)
     ON CONFLICT (code) DO NOTHING`,
    [code, subjectType, severity],
  );
}

export interface FlagFixture {
  rule: string;
  subjectType: string;
  subjectId: string;
  schoolId: string | null;
  severity?: 'LOW' | 'MEDIUM' | 'HIGH';
  status?: string;
  periodFrom?: string | null;
  periodTo?: string | null;
  raisedAt?: string;
  evidence?: object;
}

/** A flag as the check engine raises it, with its RAISED event. */
export async function flag(t: TestApp, f: FlagFixture): Promise<string> {
  await ensureRule(t, f.rule, f.subjectType, f.severity ?? 'HIGH');
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO flags (rule_code, severity, status, school_id, subject_type, subject_id, period_from, period_to, explanation, evidence, raised_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11::timestamptz, now())) RETURNING id`,
    [
      f.rule,
      f.severity ?? 'HIGH',
      f.status ?? 'OPEN',
      f.schoolId,
      f.subjectType,
      f.subjectId,
      f.periodFrom ?? null,
      f.periodTo ?? null,
      `${f.rule} fired`,
      JSON.stringify(f.evidence ?? { records: [] }),
      f.raisedAt ?? null,
    ],
  );
  await t.sql(`INSERT INTO flag_events (flag_id, action) VALUES ($1, 'RAISED')`, [row.id]);
  return row.id;
}

/** A flag on an hours declaration. */
export function declarationFlag(
  t: TestApp,
  declarationId: string,
  schoolId: string,
  f: Partial<FlagFixture> & { rule: string },
): Promise<string> {
  return flag(t, { subjectType: 'HOURS_DECLARATION', subjectId: declarationId, schoolId, ...f });
}

/** Today in Europe/Amsterdam plus `days`, as YYYY-MM-DD. */
export function amsterdamDay(days = 0): string {
  const day = new Date(
    `${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date())}T00:00:00Z`,
  );
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}
