import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
import { Problem } from '../common/errors/problems';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { rememberStreamedBodySha256 } from '../idempotency/idempotency.interceptor';
import { JobName } from '../queue/job-catalogue';
import { JobQueue } from '../queue/job-queue.service';
import { Import, ImportKindName } from './import.entity';
import { ImportResponse } from './imports.dto';

const tooLarge = (max: number) =>
  new Problem(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'Content Too Large',
    `The CSV file is over the limit of ${max} bytes.`,
  );

const isCsv = (request: Request): boolean =>
  (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'text/csv';

export const importResponse = (i: Import): ImportResponse => ({
  id: i.id,
  kind: i.kind,
  status: i.status,
  schoolId: i.schoolId,
  rowsTotal: i.rowsTotal,
  rowsAccepted: i.rowsAccepted,
  rowsRejected: i.rowsRejected,
  errors: i.errors,
  failure: i.failure,
  createdAt: i.createdAt,
  startedAt: i.startedAt,
  finishedAt: i.finishedAt,
});

/** Accepts CSV uploads and reports their progress; the work itself is ImportProcessor's (see import-kind.ts). */
@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Streams the text/csv body to a file (never into memory), records the import and queues it.
   * The file belongs to the SCHOOL actor's school, or to no school for DUO's own imports.
   */
  async accept(actor: Actor, kind: ImportKindName, request: Request): Promise<{ id: string }> {
    if (!isCsv(request))
      throw new Problem(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'Unsupported Media Type',
        'The body must be text/csv.',
      );
    const max = this.config.importMaxBytes;
    if (Number(request.headers['content-length'] ?? 0) > max) throw tooLarge(max);
    const received = await this.receive(actor, kind, request);
    rememberStreamedBodySha256(request, received.fileSha256);
    return { id: received.id };
  }

  /**
   * Streams a CSV file (the request body, or a console upload's file part) to disk, records the import
   * (audited) and queues it. Over the size limit: 413, nothing kept.
   */
  async receive(
    actor: Actor,
    kind: ImportKindName,
    body: Readable,
  ): Promise<{ id: string; fileSha256: string }> {
    const max = this.config.importMaxBytes;
    const id = randomUUID();
    const directory = join(this.config.uploadDir, 'imports');
    await mkdir(directory, { recursive: true });
    const filePath = join(directory, `${id}.csv`);
    const sha256 = createHash('sha256');
    let bytes = 0;
    // Over the limit, keep reading but drop the bytes: the client then gets its 413 rather than a reset connection.
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > max) return done();
        sha256.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(filePath));
      if (bytes > max) throw tooLarge(max);
    } catch (error) {
      await rm(filePath, { force: true });
      throw error;
    }

    const fileSha256 = sha256.digest('hex');
    const schoolId = actor.role === 'SCHOOL' ? actor.schoolId : null;
    const saved = await this.dataSource.transaction(async (manager) => {
      await manager.insert(Import, {
        id,
        kind,
        schoolId,
        filePath,
        fileSha256,
        fileBytes: bytes,
        createdBy: actor.id,
      });
      const created = await manager.findOneByOrFail(Import, { id });
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'IMPORT',
        subjectId: id,
        after: { kind, schoolId, fileSha256: created.fileSha256, fileBytes: bytes },
      });
      return created;
    });
    await this.jobs.enqueue(JobName.RunImport, { importId: saved.id }, { jobId: `import-${saved.id}` });
    return { id: saved.id, fileSha256 };
  }

  /** The caller's latest imports, newest first (a school: its own). */
  async recent(actor: Actor, limit: number): Promise<ImportResponse[]> {
    const imports = await this.dataSource.getRepository(Import).find({
      where: actor.role === 'SCHOOL' ? { schoolId: actor.schoolId as string } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return imports.map(importResponse);
  }

  async get(actor: Actor, id: string): Promise<ImportResponse> {
    return importResponse(
      requireVisible(actor, await this.dataSource.getRepository(Import).findOneBy({ id }), 'Import'),
    );
  }
}
