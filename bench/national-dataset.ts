/**
 * The national-scale data set the benchmarks share, loaded in bulk straight into a scratch database with
 * set-based SQL (generate_series, deterministic): about 180 schools, 90,000 learners, 1,000,000 lessons
 * with 12,000,000 attendance rows, 100,000 contracts, 300,000 invoices and as many DUO payments, 5,000
 * hours declarations, with a sprinkling of irregularities for every rule.
 */
import { Client } from 'pg';

export function scaleArgument(): number {
  if (process.argv.includes('--quick')) return 0.01;
  const at = process.argv.indexOf('--scale');
  const scale = at >= 0 ? Number(process.argv[at + 1]) : 1;
  if (!(scale > 0 && scale <= 2)) throw new Error('--scale takes a number in (0, 2]');
  return scale;
}

export const BENCH_ENV = {
  NODE_ENV: 'test', // with LOG_FILE set: logs to the file only, so stdout carries just the result
  ADMIN_EMAIL: 'bench-admin@bench.example',
  ADMIN_PASSWORD: 'bench-admin-password',
  JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
  BSN_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
  BSN_INDEX_KEY: Buffer.alloc(32, 5).toString('base64'),
  WORKER_CONCURRENCY: '1',
  LOG_LEVEL: 'warn',
};

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export const seconds = (since: number): number => Math.round((Date.now() - since) / 10) / 100;
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * The data set. Each school has 40 groups of 12 learners and one teacher per group; a group meets every
 * other day of 2024 (two hours, its own slot), so only the planted irregularities break rules:
 * every 10th school has 25% uncertified teachers, every 20th a suspension, every 100th learner starts its
 * contract a month late, and some invoices, payments, lessons and declarations are off.
 */
function loadStatements(scale: number): { label: string; sql: string }[] {
  const schools = Math.max(2, Math.round(180 * scale));
  const groupsPerSchool = 40;
  const learnersPerSchool = groupsPerSchool * 12;
  const learners = schools * learnersPerSchool;
  // 1,000,000 lessons at scale 1: 139 per group.
  const lessonsPerGroup = Math.max(20, Math.round((1_000_000 * scale) / (schools * groupsPerSchool)));
  const declarations = Math.max(50, Math.round(5000 * scale));
  const uuid = (kind: number, n: string): string =>
    `('${kind.toString(16).padStart(8, '0')}-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
  const school = (n: string) => uuid(1, n);
  const learner = (n: string) => uuid(2, n);
  const teacher = (n: string) => uuid(3, n);
  const group = (n: string) => uuid(4, n);
  const contract = (n: string) => uuid(6, n);
  return [
    {
      label: 'schools',
      sql: `INSERT INTO schools (id, name, kvk_number) SELECT ${school('s')}, 'Taalschool ' || s, (10000000 + s)::text FROM generate_series(0, ${schools - 1}) s`,
    },
    {
      label: 'keurmerk',
      sql: `INSERT INTO keurmerk_events (school_id, status, effective_from, reason)
            SELECT ${school('s')}, 'GRANTED', date '2020-01-01', 'audit' FROM generate_series(0, ${schools - 1}) s
            UNION ALL SELECT ${school('s')}, 'SUSPENDED', date '2024-05-01', 'audit' FROM generate_series(0, ${schools - 1}, 20) s
            UNION ALL SELECT ${school('s')}, 'GRANTED', date '2024-06-01', 'audit' FROM generate_series(0, ${schools - 1}, 20) s`,
    },
    {
      label: 'measures',
      sql: `INSERT INTO measures (school_id, kind, valid_from, valid_to)
            SELECT ${school('s')}, 'GROUP_SIZE_LENIENCY', date '2024-01-01', date '2024-03-31' FROM generate_series(0, ${schools - 1}, 7) s
            UNION ALL SELECT ${school('s')}, 'DEFERRED_ENFORCEMENT', date '2024-01-01', date '2024-12-31' FROM generate_series(0, ${schools - 1}, 30) s`,
    },
    {
      label: 'learners',
      sql: `INSERT INTO learners (id, bsn_hash, bsn_ciphertext, bsn_last4, loan_limit_cents, term_ends_on, cohort_year, still_obliged)
            SELECT ${learner('l')}, sha256(('bench-' || l)::bytea), sha256(('c-' || l)::bytea), lpad((l % 10000)::text, 4, '0'),
                   CASE WHEN l % 500 = 7 THEN 400000 ELSE 1000000 END, '2026-12-31', 2022 + l % 3, true
            FROM generate_series(0, ${learners - 1}) l`,
    },
    {
      label: 'teachers',
      sql: `INSERT INTO teachers (id, school_id, name, reference, nt2_certified, certified_since)
            SELECT ${teacher('t')}, ${school(`t / ${groupsPerSchool}`)}, 'Teacher ' || t, 'T' || (t % ${groupsPerSchool}),
                   NOT ((t / ${groupsPerSchool}) % 10 = 3 AND t % 4 = 0), '2019-01-01'
            FROM generate_series(0, ${schools * groupsPerSchool - 1}) t`,
    },
    {
      label: 'groups',
      sql: `INSERT INTO groups (id, school_id, code, route, max_size)
            SELECT ${group('g')}, ${school(`g / ${groupsPerSchool}`)}, 'G' || (g % ${groupsPerSchool}),
                   CASE WHEN g % 5 = 0 THEN 'ALFA' ELSE 'B1' END, CASE WHEN g % 97 = 0 THEN 11 END
            FROM generate_series(0, ${schools * groupsPerSchool - 1}) g`,
    },
    {
      // Group g meets on day 2i + (g % 2) of 2024 at 08:00 + 2 (g % 5) h Amsterdam, taught by its own teacher;
      // every 10th lesson is REMOTE.
      label: 'lessons',
      sql: `INSERT INTO lessons (id, school_id, group_id, teacher_id, starts_at, ends_at, mode)
            SELECT ${uuid(5, `g::bigint * ${lessonsPerGroup} + i`)}, ${school(`g / ${groupsPerSchool}`)}, ${group('g')}, ${teacher('g')},
                   s.starts_at, s.starts_at + interval '2 hours', CASE WHEN i % 10 = 9 THEN 'REMOTE' ELSE 'IN_PERSON' END
            FROM generate_series(0, ${schools * groupsPerSchool - 1}) g, generate_series(0, ${lessonsPerGroup - 1}) i,
                 LATERAL (SELECT ((date '2024-01-01' + (2 * i + g % 2) % 366) + make_interval(hours => 8 + 2 * (g % 5))) AT TIME ZONE 'Europe/Amsterdam' AS starts_at) s`,
    },
    {
      // Every 50th group's teacher also teaches the next group an hour into its own lesson, every 40th time
      // (teacher double booking); the first learner of the group sits in that lesson too (learner double booking).
      label: 'planted lessons',
      sql: `INSERT INTO lessons (id, school_id, group_id, teacher_id, starts_at, ends_at, mode)
            SELECT ${uuid(7, `g::bigint * ${lessonsPerGroup} + i`)}, l.school_id, ${group('g + 1')}, l.teacher_id,
                   l.starts_at + interval '1 hour', l.ends_at + interval '1 hour', 'IN_PERSON'
            FROM generate_series(0, ${schools * groupsPerSchool - 2}, 50) g CROSS JOIN generate_series(0, ${lessonsPerGroup - 1}, 40) i
            JOIN lessons l ON l.id = ${uuid(5, `g::bigint * ${lessonsPerGroup} + i`)}`,
    },
    {
      // Twelve learners per group; in a few groups a learner of the previous group sits in too, every third day
      // (over the maximum for ALFA groups and groups with their own maximum of 11).
      label: 'attendance',
      sql: `INSERT INTO lesson_attendees (lesson_id, learner_id, school_id, starts_at, ends_at, lesson_date, counts)
            SELECT l.id, a.learner_id, l.school_id, l.starts_at, l.ends_at, l.lesson_date, l.mode <> 'REMOTE'
            FROM lessons l
            CROSS JOIN LATERAL (SELECT ('x' || substr(replace(l.group_id::text, '-', ''), 21, 12))::bit(48)::bigint AS g) gi
            CROSS JOIN LATERAL (
              SELECT ${learner(`gi.g * 12 + j`)} AS learner_id FROM generate_series(0, 11) j
              UNION ALL SELECT ${learner(`(gi.g - 1) * 12`)} WHERE gi.g % ${groupsPerSchool} <> 0 AND gi.g % 25 = 3
                AND extract(doy FROM l.lesson_date)::int % 3 = 0
              UNION ALL SELECT ${learner(`(gi.g - 1) * 12`)} WHERE l.id::text LIKE '00000007-%') a`,
    },
    {
      label: 'contracts',
      sql: `INSERT INTO contracts (id, school_id, learner_id, reference, start_date, end_date, hours, price_cents, funding)
            SELECT ${contract('l')}, ${school(`l / ${learnersPerSchool}`)}, ${learner('l')}, 'K' || l,
                   CASE WHEN l % 100 = 5 THEN date '2024-02-01' ELSE date '2024-01-01' END, date '2024-12-31', 600, 900000, 'DUO_LOAN'
            FROM generate_series(0, ${learners - 1}) l
            UNION ALL
            SELECT ${contract(`${learners} + l`)}, ${school(`l / ${learnersPerSchool}`)}, ${learner('l')}, 'K2-' || l,
                   date '2025-01-01', date '2025-12-31', 300, 450000, 'DUO_LOAN'
            FROM generate_series(0, ${learners - 1}, 9) l`,
    },
    {
      // Three quarterly invoices per 2024 contract (60 h, EUR 1,500 each); every 400th learner's third invoice
      // overshoots the contract, every 300th claims more hours than attended.
      label: 'invoices',
      sql: `INSERT INTO invoices (school_id, contract_id, learner_id, invoice_number, invoice_date, period_start, period_end, hours, amount_cents)
            SELECT ${school(`l / ${learnersPerSchool}`)}, ${contract('l')}, ${learner('l')}, 'F' || l || '-' || q,
                   p.period_end + 1, p.period_start, p.period_end,
                   CASE WHEN l % 300 = 11 AND q = 1 THEN 200 ELSE 60 END,
                   CASE WHEN l % 400 = 13 AND q = 3 THEN 700000 ELSE 150000 END
            FROM generate_series(0, ${learners - 1}) l, generate_series(1, 3) q,
                 LATERAL (SELECT (date '2024-01-01' + make_interval(months => 3 * (q - 1)))::date AS period_start,
                                 (date '2024-01-01' + make_interval(months => 3 * q) - interval '1 day')::date AS period_end) p
            WHERE l % 100 <> 5 OR q > 1`,
    },
    {
      // DUO pays each invoice after its date; every 450th payment differs in amount, every 600th names an unknown invoice,
      // every 500th learner gets a second payment in the same quarter (quarterly cap).
      label: 'payments',
      sql: `INSERT INTO duo_payments (learner_id, school_kvk, contract_reference, invoice_number, amount_cents, paid_on)
            SELECT i.learner_id, s.kvk_number, c.reference,
                   CASE WHEN row_number() OVER (ORDER BY i.invoice_number) % 600 = 0 THEN 'X' || i.invoice_number ELSE i.invoice_number END,
                   CASE WHEN row_number() OVER (ORDER BY i.invoice_number) % 450 = 0 THEN i.amount_cents - 1000 ELSE i.amount_cents END,
                   i.invoice_date + 14
            FROM invoices i JOIN schools s ON s.id = i.school_id JOIN contracts c ON c.id = i.contract_id
            UNION ALL
            SELECT ${learner('l')}, (10000000 + l / ${learnersPerSchool})::text, 'K' || l, 'EXTRA-' || l, 90000, date '2024-05-20'
            FROM generate_series(0, ${learners - 1}, 500) l`,
    },
    {
      // Declarations for the first half of 2024: most within attendance; every 7th declares too many hours.
      label: 'declarations',
      sql: `INSERT INTO hours_declarations (school_id, learner_id, purpose, period_start, period_end, hours, issued_on)
            SELECT ${school(`(d * 17 % ${learners}) / ${learnersPerSchool}`)}, ${learner(`d * 17 % ${learners}`)}, 'AGI',
                   '2024-01-01', '2024-06-30', CASE WHEN d % 7 = 0 THEN 400 ELSE 100 END, '2024-07-01'
            FROM generate_series(0, ${declarations - 1}) d`,
    },
  ];
}

/** Loads the data set into a migrated database: without the attendance indexes, then builds them as the migrations define them. */
export async function loadNationalDataset(
  db: Client,
  scale: number,
  log: (message: string) => void,
): Promise<Record<string, number>> {
  // Bulk load without the attendance indexes, then build them as the migrations define them.
  const indexes: string[] = (
    await db.query(
      `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'lesson_attendees'::regclass AND NOT indisprimary`,
    )
  ).rows.map((r) => r.def);
  const [primaryKey] = (
    await db.query(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'lesson_attendees'::regclass AND contype = 'p'`,
    )
  ).rows.map((r) => r.def as string);
  await db.query(`ALTER TABLE lesson_attendees DROP CONSTRAINT lesson_attendees_pkey`);
  for (const def of indexes) await db.query(`DROP INDEX ${def.match(/INDEX (\S+) ON/)![1]}`);
  const counts: Record<string, number> = {};
  for (const { label, sql } of loadStatements(scale)) {
    const started = Date.now();
    const result = await db.query(sql);
    counts[label] = result.rowCount ?? 0;
    log(`loaded ${label}: ${counts[label]} rows in ${seconds(started)} s`);
  }
  await db.query(`ALTER TABLE lesson_attendees ADD CONSTRAINT lesson_attendees_pkey ${primaryKey}`);
  for (const def of indexes) await db.query(def);
  await db.query(`VACUUM ANALYZE`);
  return counts;
}
