/**
 * CSV import infrastructure: the contract between the generic part and a kind of import.
 *
 * The GENERIC part (src/imports/) does, for every kind:
 *  - upload: a `@CsvUpload` route hands its `text/csv` body (the HTTP layer refuses another content type
 *    with 415 and more than config.importMaxBytes = 200 MB with 413: src/common/http/csv-upload.ts) to
 *    `ImportsService.accept(actor, kind, body)`, which streams it to a file under config.uploadDir, inserts the
 *    `imports` row (school_id = the SCHOOL actor's school, else null), audits it (subjectType IMPORT) and enqueues `JobName.RunImport` with `{ importId }` only. Answers `{ id }`;
 *    the controller returns it with `@HttpCode(202)`.
 *  - `GET /imports/{id}`: status and counters (a SCHOOL sees only its own imports).
 *  - the job (`ImportProcessor.run`): in ONE transaction, streams the file through `CsvRecords` (one record
 *    per line, exact line numbers; quoted lines read by csv-parse), checks the header, calls `parseRow` per row, COPYs the good rows (pg-copy-streams) into the temp table
 *    `import_staging (line int, <stagingColumns>)`, then calls `merge`. Bad rows are counted and the first
 *    1000 reported as `{line, message}` (header = line 1), never stored. Counters, status DONE and an audit
 *    event commit with the data. A crash rolls everything back, and the BullMQ retry starts over; `merge`
 *    must use natural keys + ON CONFLICT DO NOTHING so that retries and re-imports change nothing.
 *    A bad header ends the import FAILED without retries.
 *
 * A KIND (e.g. LessonImport in src/lessons/, the DUO imports) is an injectable implementing `ImportKind`
 * that registers itself: `constructor(kinds: ImportKinds) {}` + `onModuleInit() { this.kinds.register(this); }`
 * (its module imports ImportsModule). It supplies only what is specific:
 *  - `kind`, `requiredColumns`, `optionalColumns` (header names, lower case, any order);
 *  - `stagingColumns`: column definitions after `line int`, e.g. `run int, bsn_hash bytea`;
 *  - optionally `prepare(manager, context, scratch)`: runs once, before the file is read, in the import's
 *    transaction; e.g. loads the school's references that rows name (bounded by the school, not the file);
 *  - `parseRow(values, scratch)`: validates one row (values by header name, trimmed, '' when an optional
 *    column is absent; the object is refilled for the next row, so keep values, not it) and returns the
 *    staging values in `stagingColumns` order, or `{ error }` (never quote a BSN). `scratch` is a Map that
 *    lives for one import run only (e.g. to protect each BSN once per file); a kind keeps no state of its
 *    own between rows otherwise, as two imports may run at once;
 *  - `merge(manager, context)`: set-based SQL from `import_staging` into the real tables (INSERT ... SELECT
 *    ... ON CONFLICT DO NOTHING), marking pending checks; it returns the staged rows it refused (e.g. a
 *    lesson's rows that disagree on its mode) with the number refused and the first 1000 `{line, message}`
 *    by line.
 */
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ImportKindName, ImportRowError } from './import.entity';

/** A value COPY can carry: text, number, boolean, bytea (Buffer) or NULL. */
export type StagingValue = string | number | boolean | Buffer | null;

export interface ImportContext {
  importId: string;
  /** The uploading school, or null for DUO imports. */
  schoolId: string | null;
}

export interface MergeResult {
  /** How many staged rows the merge refused (reported per line, stored nowhere). */
  rejected: number;
  /** The first (up to 1000) refused rows, ordered by line. */
  errors: ImportRowError[];
}

export interface ImportKind {
  readonly kind: ImportKindName;
  readonly requiredColumns: readonly string[];
  readonly optionalColumns: readonly string[];
  readonly stagingColumns: string;
  prepare?(manager: EntityManager, context: ImportContext, scratch: Map<string, unknown>): Promise<void>;
  parseRow(
    values: Readonly<Record<string, string>>,
    scratch: Map<string, unknown>,
  ): StagingValue[] | { error: string };
  merge(manager: EntityManager, context: ImportContext): Promise<MergeResult>;
}

/** The name of the staging table `merge` reads from (temporary, dropped at commit). */
export const STAGING_TABLE = 'import_staging';

/** How many row errors an import keeps (API.md: the first 1000). */
export const MAX_REPORTED_ERRORS = 1000;

/** Where the kinds of import register themselves, so the one job can dispatch on `imports.kind`. */
@Injectable()
export class ImportKinds {
  private readonly kinds = new Map<ImportKindName, ImportKind>();

  register(kind: ImportKind): void {
    this.kinds.set(kind.kind, kind);
  }

  get(name: ImportKindName): ImportKind {
    const kind = this.kinds.get(name);
    if (!kind) throw new Error(`No import kind ${name} is registered`);
    return kind;
  }
}
