import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isValidBsn } from '../common/bsn/bsn';
import { BsnCryptoService } from '../common/bsn/bsn-crypto.service';
import { isDateOnly, KVK_PATTERN } from '../common/http/validators';
import {
  ImportContext,
  ImportKind,
  ImportKinds,
  MergeResult,
  STAGING_TABLE,
  StagingValue,
} from '../imports/import-kind';
import { PendingChecks } from '../queue/pending-checks';
import { MAX_SUBMITTED_HOURS } from '../submissions/submission-bounds';
import { EXAM_COMPONENTS, EXAM_LEVELS } from './exam-levels';

const MAX_CENTS = 100_000_000;
const MAX_TEXT = 100;
const BSN_COLUMNS = 'bsn_hash bytea NOT NULL, bsn_ciphertext bytea NOT NULL, bsn_last4 text NOT NULL';

function wholeNumber(value: string, column: string, min: number, max: number): number | { error: string } {
  const n = Number(value);
  return /^\d+$/.test(value) && n >= min && n <= max
    ? n
    : { error: `${column} must be a whole number from ${min} to ${max}` };
}

/** A Map, not an object literal: a cell `constructor` or `__proto__` must not find an inherited property. */
const OBLIGED = new Map([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

const isError = (value: unknown): value is { error: string } =>
  typeof value === 'object' && value !== null && 'error' in value;

/** Creates the learners a DUO file names that the portal did not know yet (a learner exists once any import names the BSN). */
const insertMissingLearners = `
  INSERT INTO learners (bsn_hash, bsn_ciphertext, bsn_last4)
  SELECT DISTINCT ON (bsn_hash) bsn_hash, bsn_ciphertext, bsn_last4 FROM ${STAGING_TABLE} ORDER BY bsn_hash, line
  ON CONFLICT (bsn_hash) DO NOTHING`;

/** What the DUO files share: registering as a kind of import, the learner's BSN, marking learners for checking. */
@Injectable()
abstract class DuoImport implements ImportKind, OnModuleInit {
  abstract readonly kind: ImportKind['kind'];
  abstract readonly requiredColumns: readonly string[];
  readonly optionalColumns: readonly string[] = [];
  abstract readonly stagingColumns: string;

  constructor(
    private readonly kinds: ImportKinds,
    private readonly crypto: BsnCryptoService,
    protected readonly pendingChecks: PendingChecks,
  ) {}

  onModuleInit(): void {
    this.kinds.register(this);
  }

  abstract parseRow(values: Readonly<Record<string, string>>): StagingValue[] | { error: string };
  abstract merge(manager: EntityManager, context: ImportContext): Promise<MergeResult>;

  /**
   * Stores the staged rows in `table` (learner_id, `columns`, import_id) on its natural key `rowKey`, so a row
   * imported twice is stored once, and marks the learners of the new rows for checking.
   */
  protected async storeRows(
    manager: EntityManager,
    importId: string,
    table: string,
    rowKey: string,
    columns: readonly string[],
  ): Promise<MergeResult> {
    await manager.query(insertMissingLearners);
    const [{ ids }]: { ids: string[] | null }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO ${table} (learner_id, ${columns.join(', ')}, import_id)
         SELECT l.id, ${columns.map((column) => `s.${column}`).join(', ')}, $1
         FROM ${STAGING_TABLE} s JOIN learners l ON l.bsn_hash = s.bsn_hash
         ORDER BY s.line
         ON CONFLICT ON CONSTRAINT ${rowKey} DO NOTHING
         RETURNING learner_id)
       SELECT array_agg(DISTINCT learner_id) AS ids FROM inserted`,
      [importId],
    );
    await this.pendingChecks.markLearners(manager, ids ?? []);
    return { rejected: 0, errors: [] };
  }

  /** The learner columns of a row: its BSN, protected (hash, ciphertext, last 4); never stored or reported in clear. */
  protected protectedBsn(bsn: string): StagingValue[] | { error: string } {
    if (!isValidBsn(bsn)) return { error: 'bsn must be a 9-digit BSN that passes the 11-proof' };
    const p = this.crypto.protect(bsn);
    return [p.hash, p.ciphertext, p.last4];
  }
}

/**
 * DUO's loan accounts (`bsn,loan_limit_cents,term_ends_on,cohort_year,still_obliged`): upserts the learner's loan
 * fields (the last line wins for a BSN named twice). Learners whose loan data changed are marked for checking
 * (LOAN_LIMIT_EXCEEDED). Importing the same file again changes nothing.
 */
@Injectable()
export class LoanAccountsImport extends DuoImport {
  readonly kind = 'LOAN_ACCOUNTS';
  readonly requiredColumns = ['bsn', 'loan_limit_cents', 'term_ends_on', 'cohort_year', 'still_obliged'];
  readonly stagingColumns = `${BSN_COLUMNS}, loan_limit_cents bigint NOT NULL, term_ends_on date NOT NULL, cohort_year int NOT NULL, still_obliged boolean NOT NULL`;

  parseRow(v: Readonly<Record<string, string>>): StagingValue[] | { error: string } {
    const limit = wholeNumber(v.loan_limit_cents, 'loan_limit_cents', 0, MAX_CENTS);
    if (isError(limit)) return limit;
    if (!isDateOnly(v.term_ends_on)) return { error: 'term_ends_on must be a date (YYYY-MM-DD)' };
    const cohort = wholeNumber(v.cohort_year, 'cohort_year', 2000, 2100);
    if (isError(cohort)) return cohort;
    const obliged = OBLIGED.get(v.still_obliged.toLowerCase());
    if (obliged === undefined) return { error: 'still_obliged must be true or false' };
    const bsn = this.protectedBsn(v.bsn);
    if (isError(bsn)) return bsn;
    return [...bsn, limit, v.term_ends_on, cohort, obliged];
  }

  async merge(manager: EntityManager): Promise<MergeResult> {
    const [{ ids }]: { ids: string[] | null }[] = await manager.query(
      `WITH rows AS (
         SELECT DISTINCT ON (bsn_hash) * FROM ${STAGING_TABLE} ORDER BY bsn_hash, line DESC),
       upserted AS (
         INSERT INTO learners AS l (bsn_hash, bsn_ciphertext, bsn_last4, loan_limit_cents, term_ends_on, cohort_year, still_obliged)
         SELECT bsn_hash, bsn_ciphertext, bsn_last4, loan_limit_cents, term_ends_on, cohort_year, still_obliged FROM rows
         ON CONFLICT (bsn_hash) DO UPDATE SET loan_limit_cents = EXCLUDED.loan_limit_cents, term_ends_on = EXCLUDED.term_ends_on,
           cohort_year = EXCLUDED.cohort_year, still_obliged = EXCLUDED.still_obliged
         WHERE (l.loan_limit_cents, l.term_ends_on, l.cohort_year, l.still_obliged)
               IS DISTINCT FROM (EXCLUDED.loan_limit_cents, EXCLUDED.term_ends_on, EXCLUDED.cohort_year, EXCLUDED.still_obliged)
         RETURNING l.id)
       SELECT array_agg(id) AS ids FROM upserted`,
    );
    await this.pendingChecks.markLearners(manager, ids ?? []);
    return { rejected: 0, errors: [] };
  }
}

/**
 * DUO's payments (`bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on`): stored on their natural
 * key, so a row imported twice is stored once. The learners paid for are marked for checking: their scope reaches
 * the payments, the invoices and declarations they match, and the quarterly cap and loan limit.
 */
@Injectable()
export class PaymentsImport extends DuoImport {
  readonly kind = 'PAYMENTS';
  readonly requiredColumns = [
    'bsn',
    'school_kvk',
    'contract_reference',
    'invoice_number',
    'amount_cents',
    'paid_on',
  ];
  readonly stagingColumns = `${BSN_COLUMNS}, school_kvk text NOT NULL, contract_reference text NOT NULL, invoice_number text NOT NULL, amount_cents bigint NOT NULL, paid_on date NOT NULL`;

  parseRow(v: Readonly<Record<string, string>>): StagingValue[] | { error: string } {
    if (!KVK_PATTERN.test(v.school_kvk)) return { error: 'school_kvk must be 8 digits' };
    for (const column of ['contract_reference', 'invoice_number'] as const) {
      if (!v[column] || v[column].length > MAX_TEXT)
        return { error: `${column} must be 1 to ${MAX_TEXT} characters` };
    }
    const amount = wholeNumber(v.amount_cents, 'amount_cents', 1, MAX_CENTS);
    if (isError(amount)) return amount;
    if (!isDateOnly(v.paid_on)) return { error: 'paid_on must be a date (YYYY-MM-DD)' };
    const bsn = this.protectedBsn(v.bsn);
    if (isError(bsn)) return bsn;
    return [...bsn, v.school_kvk, v.contract_reference, v.invoice_number, amount, v.paid_on];
  }

  merge(manager: EntityManager, { importId }: ImportContext): Promise<MergeResult> {
    return this.storeRows(manager, importId, 'duo_payments', 'duo_payments_row_key', [
      'school_kvk',
      'contract_reference',
      'invoice_number',
      'amount_cents',
      'paid_on',
    ]);
  }
}

/** Hours as the CSV gives them: positive, at most 2 decimals, within the bound of a submission. */
function csvHours(value: string): number | { error: string } {
  const n = Number(value);
  return /^\d+(\.\d{1,2})?$/.test(value) && n > 0 && n <= MAX_SUBMITTED_HOURS
    ? n
    : { error: `hours must be a number above 0 and at most ${MAX_SUBMITTED_HOURS}, with at most 2 decimals` };
}

/**
 * DUO's own contract records of loan-paid courses (`bsn,school_kvk,contract_reference,start_date,end_date,hours,
 * price_cents`): stored on their natural key, so a row imported twice is stored once. A contract here makes a
 * declaration of that learner and school overlapping its dates "known at DUO"; its learners are marked for checking.
 */
@Injectable()
export class ContractsImport extends DuoImport {
  readonly kind = 'CONTRACTS';
  readonly requiredColumns = [
    'bsn',
    'school_kvk',
    'contract_reference',
    'start_date',
    'end_date',
    'hours',
    'price_cents',
  ];
  readonly stagingColumns = `${BSN_COLUMNS}, school_kvk text NOT NULL, contract_reference text NOT NULL, start_date date NOT NULL, end_date date NOT NULL, hours numeric NOT NULL, price_cents bigint NOT NULL`;

  parseRow(v: Readonly<Record<string, string>>): StagingValue[] | { error: string } {
    if (!KVK_PATTERN.test(v.school_kvk)) return { error: 'school_kvk must be 8 digits' };
    if (!v.contract_reference || v.contract_reference.length > MAX_TEXT)
      return { error: `contract_reference must be 1 to ${MAX_TEXT} characters` };
    if (!isDateOnly(v.start_date)) return { error: 'start_date must be a date (YYYY-MM-DD)' };
    if (!isDateOnly(v.end_date)) return { error: 'end_date must be a date (YYYY-MM-DD)' };
    if (v.end_date < v.start_date) return { error: 'end_date must be on or after start_date' };
    const hours = csvHours(v.hours);
    if (isError(hours)) return hours;
    const price = wholeNumber(v.price_cents, 'price_cents', 0, MAX_CENTS);
    if (isError(price)) return price;
    const bsn = this.protectedBsn(v.bsn);
    if (isError(bsn)) return bsn;
    return [...bsn, v.school_kvk, v.contract_reference, v.start_date, v.end_date, hours, price];
  }

  merge(manager: EntityManager, { importId }: ImportContext): Promise<MergeResult> {
    return this.storeRows(manager, importId, 'duo_contracts', 'duo_contracts_row_key', [
      'school_kvk',
      'contract_reference',
      'start_date',
      'end_date',
      'hours',
      'price_cents',
    ]);
  }
}

/** Arrays, not object lookups: a cell `constructor` or `__proto__` must not find an inherited property. */
const COMPONENTS: readonly string[] = EXAM_COMPONENTS;
const LEVELS: readonly string[] = EXAM_LEVELS;

/**
 * DUO's exam results (`bsn,exam_date,component,level`): stored on their natural key (learner, component, exam
 * date), so a row imported twice is stored once. Their learners are marked for checking: their declarations are
 * what RESULTS_BELOW_REGISTERED_HOURS compares the results with.
 */
@Injectable()
export class ExamResultsImport extends DuoImport {
  readonly kind = 'EXAM_RESULTS';
  readonly requiredColumns = ['bsn', 'exam_date', 'component', 'level'];
  readonly stagingColumns = `${BSN_COLUMNS}, exam_date date NOT NULL, component text NOT NULL, level text NOT NULL`;

  parseRow(v: Readonly<Record<string, string>>): StagingValue[] | { error: string } {
    if (!isDateOnly(v.exam_date)) return { error: 'exam_date must be a date (YYYY-MM-DD)' };
    if (!COMPONENTS.includes(v.component))
      return { error: `component must be one of ${EXAM_COMPONENTS.join(', ')}` };
    if (!LEVELS.includes(v.level)) return { error: `level must be one of ${EXAM_LEVELS.join(', ')}` };
    const bsn = this.protectedBsn(v.bsn);
    if (isError(bsn)) return bsn;
    return [...bsn, v.exam_date, v.component, v.level];
  }

  merge(manager: EntityManager, { importId }: ImportContext): Promise<MergeResult> {
    return this.storeRows(manager, importId, 'exam_results', 'exam_results_row_key', [
      'exam_date',
      'component',
      'level',
    ]);
  }
}
