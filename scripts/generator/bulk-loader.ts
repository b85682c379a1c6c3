/**
 * Loads a (national) data set straight into a migrated database with COPY, the way a one-off
 * migration of existing records would: ids are drawn here, learners get the same blind index and
 * encryption as the app (BsnCryptoService with the configured keys), generated columns are left
 * to Postgres. No audit events: this is seed data, not a person's change. Run a check run afterwards.
 */
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BsnCryptoService } from '../../src/common/bsn/bsn-crypto.service';
import { loadConfig } from '../../src/config/app-config';
import { Dataset } from './dataset';
import { ROUTE_MAXIMA } from './oracle';
import { Random } from './random';

type Value = string | number | boolean | null | undefined | Buffer;

/** One value in COPY text format. */
function field(value: Value): string {
  if (value === null || value === undefined) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

async function copy(
  client: Client,
  table: string,
  columns: string[],
  rows: Iterable<Value[]>,
): Promise<number> {
  let count = 0;
  function* lines(): Generator<string> {
    let chunk: string[] = [];
    for (const row of rows) {
      chunk.push(row.map(field).join('\t'));
      count++;
      if (chunk.length === 2000) {
        yield `${chunk.join('\n')}\n`;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
  }
  await pipeline(
    Readable.from(lines()),
    client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)),
  );
  return count;
}

export async function bulkLoad(
  dataset: Dataset,
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const config = loadConfig(process.env, { DATABASE_URL: databaseUrl });
  const crypto = new BsnCryptoService(config);
  const ids = new Random(dataset.seed ^ 0x5eed);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const schoolIds = new Map(dataset.schools.map((s) => [s.kvkNumber, ids.uuid()]));
    const learnerIds = new Map<string, string>();
    const learnerId = (bsn: string): string => {
      let id = learnerIds.get(bsn);
      if (!id) learnerIds.set(bsn, (id = ids.uuid()));
      return id;
    };
    const teacherIds = new Map<string, string>();
    const groupIds = new Map<string, string>();
    const contractIds = new Map<string, string>();
    for (const s of dataset.schools) {
      for (const t of s.teachers) teacherIds.set(`${s.kvkNumber}|${t.reference}`, ids.uuid());
      for (const g of s.groups) groupIds.set(`${s.kvkNumber}|${g.code}`, ids.uuid());
      for (const c of s.contracts) contractIds.set(`${s.kvkNumber}|${c.reference}`, ids.uuid());
      for (const l of s.lessons) for (const bsn of l.attendeeBsns) learnerId(bsn);
      for (const c of s.contracts) learnerId(c.learnerBsn);
      for (const d of s.declarations) learnerId(d.learnerBsn);
    }
    for (const p of dataset.payments) learnerId(p.bsn);
    for (const r of dataset.examResults) learnerId(r.bsn);
    const schools = dataset.schools;
    const each = <T>(f: (s: (typeof schools)[number]) => Iterable<T>) => schools.flatMap((s) => [...f(s)]);

    const counted = async (table: string, columns: string[], rows: Iterable<Value[]>): Promise<void> => {
      const started = Date.now();
      const n = await copy(client, table, columns, rows);
      log(`${table}: ${n} rows (${Date.now() - started} ms)`);
    };
    await counted(
      'schools',
      ['id', 'name', 'kvk_number', 'bow_number'],
      schools.map((s) => [schoolIds.get(s.kvkNumber), s.name, s.kvkNumber, s.bowNumber]),
    );
    await counted(
      'keurmerk_events',
      ['id', 'school_id', 'status', 'effective_from', 'reason'],
      each((s) =>
        s.keurmerkEvents.map((e) => [
          ids.uuid(),
          schoolIds.get(s.kvkNumber),
          e.status,
          e.effectiveFrom,
          e.reason,
        ]),
      ),
    );
    await counted(
      'measures',
      ['id', 'school_id', 'kind', 'valid_from', 'valid_to', 'note'],
      each((s) =>
        s.measures.map((m) => [
          ids.uuid(),
          schoolIds.get(s.kvkNumber),
          m.kind,
          m.validFrom,
          m.validTo,
          m.note,
        ]),
      ),
    );
    await counted(
      'teachers',
      [
        'id',
        'school_id',
        'name',
        'reference',
        'nt2_certified',
        'certified_since',
        'nt2_experience_years',
        'related_qualification',
        'nt2_training_started_on',
      ],
      each((s) =>
        s.teachers.map((t) => [
          teacherIds.get(`${s.kvkNumber}|${t.reference}`),
          schoolIds.get(s.kvkNumber),
          t.name,
          t.reference,
          t.nt2Certified,
          t.certifiedSince,
          t.nt2ExperienceYears,
          t.relatedQualification,
          t.nt2TrainingStartedOn,
        ]),
      ),
    );
    await counted(
      'groups',
      ['id', 'school_id', 'code', 'route', 'max_size'],
      each((s) =>
        s.groups.map((g) => [
          groupIds.get(`${s.kvkNumber}|${g.code}`),
          schoolIds.get(s.kvkNumber),
          g.code,
          g.route,
          g.maxSize ?? ROUTE_MAXIMA[g.route],
        ]),
      ),
    );
    const accounts = new Map(dataset.loanAccounts.map((a) => [a.bsn, a]));
    await counted(
      'learners',
      [
        'id',
        'bsn_hash',
        'bsn_ciphertext',
        'bsn_last4',
        'loan_limit_cents',
        'term_ends_on',
        'cohort_year',
        'still_obliged',
      ],
      (function* () {
        for (const [bsn, id] of learnerIds) {
          const p = crypto.protect(bsn);
          const a = accounts.get(bsn);
          yield [
            id,
            p.hash,
            p.ciphertext,
            p.last4,
            a?.loanLimitCents,
            a?.termEndsOn,
            a?.cohortYear,
            a?.stillObliged,
          ];
        }
      })(),
    );
    const lessonIds = schools.map((s) => s.lessons.map(() => ids.uuid()));
    await counted(
      'lessons',
      ['id', 'school_id', 'group_id', 'teacher_id', 'starts_at', 'ends_at', 'mode'],
      (function* () {
        for (const [i, s] of schools.entries())
          for (const [j, l] of s.lessons.entries())
            yield [
              lessonIds[i][j],
              schoolIds.get(s.kvkNumber),
              groupIds.get(`${s.kvkNumber}|${l.groupCode}`),
              teacherIds.get(`${s.kvkNumber}|${l.teacherReference}`),
              l.startsAt,
              l.endsAt,
              l.mode,
            ];
      })(),
    );
    await counted(
      'lesson_attendees',
      ['lesson_id', 'learner_id', 'school_id', 'starts_at', 'ends_at', 'lesson_date', 'counts'],
      (function* () {
        for (const [i, s] of schools.entries())
          for (const [j, l] of s.lessons.entries())
            for (const bsn of l.attendeeBsns)
              yield [
                lessonIds[i][j],
                learnerId(bsn),
                schoolIds.get(s.kvkNumber),
                l.startsAt,
                l.endsAt,
                l.date,
                l.mode !== 'REMOTE',
              ];
      })(),
    );
    await counted(
      'contracts',
      [
        'id',
        'school_id',
        'learner_id',
        'reference',
        'start_date',
        'end_date',
        'hours',
        'price_cents',
        'funding',
      ],
      each((s) =>
        s.contracts.map((c) => [
          contractIds.get(`${s.kvkNumber}|${c.reference}`),
          schoolIds.get(s.kvkNumber),
          learnerId(c.learnerBsn),
          c.reference,
          c.startDate,
          c.endDate,
          c.hours,
          c.priceCents,
          c.funding,
        ]),
      ),
    );
    await counted(
      'invoices',
      [
        'id',
        'school_id',
        'contract_id',
        'learner_id',
        'invoice_number',
        'invoice_date',
        'period_start',
        'period_end',
        'hours',
        'amount_cents',
      ],
      each((s) =>
        s.invoices.map((v) => [
          ids.uuid(),
          schoolIds.get(s.kvkNumber),
          contractIds.get(`${s.kvkNumber}|${v.contractReference}`),
          learnerId(v.learnerBsn),
          v.invoiceNumber,
          v.invoiceDate,
          v.periodStart,
          v.periodEnd,
          v.hours,
          v.amountCents,
        ]),
      ),
    );
    await counted(
      'hours_declarations',
      ['id', 'school_id', 'learner_id', 'purpose', 'period_start', 'period_end', 'hours', 'issued_on'],
      each((s) =>
        s.declarations.map((d) => [
          ids.uuid(),
          schoolIds.get(s.kvkNumber),
          learnerId(d.learnerBsn),
          d.purpose,
          d.periodStart,
          d.periodEnd,
          d.hours,
          d.issuedOn,
        ]),
      ),
    );
    await counted(
      'duo_payments',
      ['id', 'learner_id', 'school_kvk', 'contract_reference', 'invoice_number', 'amount_cents', 'paid_on'],
      dataset.payments.map((p) => [
        ids.uuid(),
        learnerId(p.bsn),
        p.schoolKvk,
        p.contractReference,
        p.invoiceNumber,
        p.amountCents,
        p.paidOn,
      ]),
    );
    await counted(
      'exam_results',
      ['id', 'learner_id', 'exam_date', 'component', 'level'],
      dataset.examResults.map((r) => [ids.uuid(), learnerId(r.bsn), r.examDate, r.component, r.level]),
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    await client.end();
  }
}
