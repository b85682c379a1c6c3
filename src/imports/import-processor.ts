import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../common/auth/actor';
import { JobContext } from '../queue/job-catalogue';
import { PendingChecks } from '../queue/pending-checks';
import { CsvRecords, CsvRecord } from './csv-records';
import { Import, ImportRowError } from './import.entity';
import { ImportKind, ImportKinds, MAX_REPORTED_ERRORS, STAGING_TABLE, StagingValue } from './import-kind';

/** A file whose header does not fit its kind: the import fails at once, without retries. */
class HeaderError extends Error {}

/** A few names of a list for a message (a header may name thousands), each cut short. */
function someOf(names: string[]): string {
  const shown = names.slice(0, 5).map((name) => (name.length > 40 ? `${name.slice(0, 40)}...` : name));
  return names.length > shown.length
    ? `${shown.join(', ')} and ${names.length - shown.length} more`
    : shown.join(', ');
}

/** Row errors: all counted, the first MAX_REPORTED_ERRORS kept (they arrive in line order). */
class ErrorLog {
  count = 0;
  readonly first: ImportRowError[] = [];

  add(line: number, message: string): void {
    this.count++;
    if (this.first.length < MAX_REPORTED_ERRORS) this.first.push({ line, message });
  }
}

const needsEscape = /[\\\t\n\r]/;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format. */
function copyText(value: StagingValue): string {
  if (value === null) return '\\N';
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return needsEscape.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => copyEscapes[c]) : value;
}

/** How often the running import's rows_total is published while streaming. */
const PROGRESS_EVERY = 50_000;
/** COPY data is handed on in chunks of this many bytes. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Turns parsed CSV records into COPY lines for the staging table: checks the header, validates each
 * row through its kind and logs bad rows by line. Holds one chunk at a time, never the file.
 */
class StagingEncoder extends Transform {
  rows = 0;
  private columns: string[] | undefined;
  /** The row's values by column name: one object, refilled for every row (a kind must not keep it). */
  private values: Record<string, string> | undefined;
  /** The chunk being filled, written row by row (building one string and converting it costs twice as much). */
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private filled = 0;
  private readonly lastValues: StagingValue[] = [];
  private readonly lastTexts: string[] = [];

  constructor(
    private readonly kind: ImportKind,
    private readonly scratch: Map<string, unknown>,
    private readonly errors: ErrorLog,
    private readonly onProgress: (rows: number) => Promise<void>,
  ) {
    super({ writableObjectMode: true });
  }

  override _transform(records: CsvRecord[], _encoding: BufferEncoding, done: TransformCallback): void {
    let progressed = false;
    for (const record of records) {
      if (!this.columns) {
        if (record.malformed !== undefined) return done(new HeaderError(`Bad header: ${record.malformed}.`));
        try {
          this.columns = this.header(record.fields);
          this.values = Object.fromEntries(
            [...this.kind.optionalColumns, ...this.columns].map((name) => [name, '']),
          );
        } catch (error) {
          return done(error as Error);
        }
        continue;
      }
      this.rows++;
      if (record.malformed !== undefined) this.errors.add(record.line, record.malformed);
      else this.stage(record.fields, record.line);
      if (this.rows % PROGRESS_EVERY === 0) progressed = true;
    }
    if (progressed) this.onProgress(this.rows).then(() => done(), done);
    else done();
  }

  override _flush(done: TransformCallback): void {
    if (!this.columns) return done(new HeaderError('The file is empty: expected a header line.'));
    if (this.filled > 0) this.push(this.chunk.subarray(0, this.filled));
    done();
  }

  private header(record: string[]): string[] {
    const columns = record.map((name) => name.trim().toLowerCase());
    const known = new Set([...this.kind.requiredColumns, ...this.kind.optionalColumns]);
    const seen = new Set<string>();
    const unknown: string[] = [];
    const repeated: string[] = [];
    for (const name of columns) {
      if (!known.has(name)) unknown.push(name);
      else if (seen.has(name)) repeated.push(name);
      seen.add(name);
    }
    const missing = this.kind.requiredColumns.filter((name) => !seen.has(name));
    if (unknown.length || missing.length || repeated.length) {
      const parts = [
        missing.length ? `missing column(s) ${missing.join(', ')}` : '',
        unknown.length ? `unknown column(s) ${someOf(unknown)}` : '',
        repeated.length ? `repeated column(s) ${someOf(repeated)}` : '',
      ];
      throw new HeaderError(
        `Bad header: ${parts.filter(Boolean).join('; ')}. Expected ${this.kind.requiredColumns.join(',')}${
          this.kind.optionalColumns.length ? ` and optionally ${this.kind.optionalColumns.join(',')}` : ''
        }.`,
      );
    }
    return columns;
  }

  private stage(record: string[], line: number): void {
    const columns = this.columns as string[];
    if (record.length !== columns.length) {
      this.errors.add(line, `expected ${columns.length} fields, found ${record.length}`);
      return;
    }
    const values = this.values as Record<string, string>;
    for (let i = 0; i < columns.length; i++) {
      // COPY and Postgres text cannot carry a NUL: the row is refused here, not the whole import there.
      if (record[i].includes('\u0000')) {
        this.errors.add(line, `${columns[i]} must not contain a NUL character`);
        return;
      }
      values[columns[i]] = record[i].trim();
    }
    const parsed = this.kind.parseRow(values, this.scratch);
    if (!Array.isArray(parsed)) {
      this.errors.add(line, parsed.error);
      return;
    }
    let text = String(line);
    for (let i = 0; i < parsed.length; i++) text += `\t${this.encoded(i, parsed[i])}`;
    text += '\n';
    const room = 3 * text.length; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.filled + room > this.chunk.length) {
      this.push(this.chunk.subarray(0, this.filled));
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, room));
      this.filled = 0;
    }
    this.filled += this.chunk.write(text, this.filled);
  }

  /** Column i's value in COPY text; consecutive rows mostly repeat a value (a lesson's rows), so the last is remembered. */
  private encoded(i: number, value: StagingValue): string {
    if (this.lastValues[i] !== value) {
      this.lastValues[i] = value;
      this.lastTexts[i] = copyText(value);
    }
    return this.lastTexts[i];
  }
}

/** Merges two error lists that are each in line order, keeping the first MAX_REPORTED_ERRORS. */
function firstErrors(a: ImportRowError[], b: ImportRowError[]): ImportRowError[] {
  return [...a, ...b].sort((x, y) => x.line - y.line).slice(0, MAX_REPORTED_ERRORS);
}

/** Runs an import job: the generic part of every CSV import (see import-kind.ts for the contract). */
@Injectable()
export class ImportProcessor {
  private readonly logger = new Logger(ImportProcessor.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kinds: ImportKinds,
    private readonly audit: AuditService,
    private readonly pendingChecks: PendingChecks,
  ) {}

  async run(importId: string, context?: JobContext): Promise<void> {
    const found = await this.dataSource
      .getRepository(Import)
      .createQueryBuilder('i')
      .addSelect('i.filePath')
      .where('i.id = :importId', { importId })
      .getOne();
    if (!found || found.status === 'DONE' || found.status === 'FAILED') return;
    const kind = this.kinds.get(found.kind);
    await this.dataSource.query(
      `UPDATE imports SET status = 'RUNNING', started_at = now(), rows_total = 0, rows_accepted = 0, rows_rejected = 0, errors = '[]', failure = NULL
       WHERE id = $1`,
      [importId],
    );
    try {
      const accepted = await this.dataSource.transaction((manager) => this.importFile(manager, found, kind));
      this.logger.log(`import ${importId} (${found.kind}) done: ${accepted} rows accepted`);
      await this.removeUpload(found.filePath);
      if (accepted > 0) await this.pendingChecks.kick();
    } catch (error) {
      if (error instanceof HeaderError) {
        await this.finishFailed(found, error.message, [{ line: 1, message: error.message }]);
        // The job failed and retrying cannot help: BullMQ records it as failed, without retries.
        throw new UnrecoverableError(error.message);
      }
      if (!context || context.isLastAttempt)
        await this.finishFailed(found, 'The import failed unexpectedly; see the worker log.', []);
      throw error;
    }
  }

  /** The uploaded file holds BSNs in clear: it goes once the import is over (its sha256 stays). */
  private async removeUpload(filePath: string): Promise<void> {
    await rm(filePath, { force: true });
  }

  /** Streams, validates, stages and merges the file in the caller's transaction; returns the rows accepted. */
  private async importFile(manager: EntityManager, found: Import, kind: ImportKind): Promise<number> {
    const errors = new ErrorLog();
    const client = (await manager.queryRunner!.connect()) as PoolClient;
    // Set-based merges of a million rows sort and hash in memory rather than in temp files.
    await manager.query(`SET LOCAL work_mem = '128MB'`);
    await manager.query(
      `CREATE TEMP TABLE ${STAGING_TABLE} (line int NOT NULL, ${kind.stagingColumns}) ON COMMIT DROP`,
    );
    const context = { importId: found.id, schoolId: found.schoolId };
    const scratch = new Map<string, unknown>();
    await kind.prepare?.(manager, context, scratch);
    const encoder = new StagingEncoder(kind, scratch, errors, (rows) =>
      this.dataSource
        .query(`UPDATE imports SET rows_total = $2 WHERE id = $1`, [found.id, rows])
        .then(() => undefined),
    );
    const started = Date.now();
    await pipeline(
      createReadStream(found.filePath),
      new CsvRecords(),
      encoder,
      client.query(copyFrom(`COPY ${STAGING_TABLE} FROM STDIN`)),
    );
    // Statistics for the merge's joins: without them the planner guesses a temp table's size.
    await manager.query(`ANALYZE ${STAGING_TABLE}`);
    const staged = Date.now();
    const merged = await kind.merge(manager, context);
    this.logger.log(
      `import ${found.id}: read and staged ${encoder.rows} rows in ${staged - started}ms, merged in ${Date.now() - staged}ms`,
    );
    const rowsTotal = encoder.rows;
    const rowsRejected = errors.count + merged.rejected;
    const rowsAccepted = rowsTotal - rowsRejected;
    const counters = { rowsTotal, rowsAccepted, rowsRejected };
    await manager.query(
      `UPDATE imports SET status = 'DONE', rows_total = $2, rows_accepted = $3, rows_rejected = $4, errors = $5, finished_at = now() WHERE id = $1`,
      [
        found.id,
        rowsTotal,
        rowsAccepted,
        rowsRejected,
        JSON.stringify(firstErrors(errors.first, merged.errors)),
      ],
    );
    await this.audit.record(manager, SYSTEM_ACTOR, {
      action: 'IMPORT_DONE',
      subjectType: 'IMPORT',
      subjectId: found.id,
      after: counters,
    });
    return rowsAccepted;
  }

  private async finishFailed(
    { id: importId, filePath }: Import,
    failure: string,
    errors: ImportRowError[],
  ): Promise<void> {
    await this.removeUpload(filePath);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE imports SET status = 'FAILED', failure = $2, errors = $3, finished_at = now() WHERE id = $1`,
        [importId, failure, JSON.stringify(errors)],
      );
      await this.audit.record(manager, SYSTEM_ACTOR, {
        action: 'IMPORT_FAILED',
        subjectType: 'IMPORT',
        subjectId: importId,
        after: { failure },
      });
    });
  }
}
