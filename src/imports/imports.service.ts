import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
import { CsvUploadBody } from '../common/http/csv-upload';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobName } from '../queue/job-catalogue';
import { JobQueue } from '../queue/job-queue.service';
import { Import, ImportKindName } from './import.entity';
import { ImportResponse } from './imports.dto';

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
   * Streams an uploaded CSV body to a file (never into memory), records the import and queues it.
   * The file belongs to the SCHOOL actor's school, or to no school for DUO's own imports.
   */
  async accept(actor: Actor, kind: ImportKindName, body: CsvUploadBody): Promise<{ id: string }> {
    return { id: (await this.receive(actor, kind, body)).id };
  }

  /**
   * Streams a CSV file (an API upload, or a console upload's file part) to disk, records the import
   * (audited) and queues it. Over the size limit: 413, nothing kept.
   */
  async receive(
    actor: Actor,
    kind: ImportKindName,
    body: Readable,
  ): Promise<{ id: string; fileSha256: string }> {
    const id = randomUUID();
    const directory = join(this.config.uploadDir, 'imports');
    await mkdir(directory, { recursive: true });
    const filePath = join(directory, `${id}.csv`);
    // An API upload arrives counted and hashed already; a console file part is metered here.
    const upload = body instanceof CsvUploadBody ? body : new CsvUploadBody(this.config.importMaxBytes);
    try {
      if (upload === body) await pipeline(upload, createWriteStream(filePath));
      else await pipeline(body, upload, createWriteStream(filePath));
    } catch (error) {
      await rm(filePath, { force: true });
      throw error;
    }
    const { sha256Hex: fileSha256, bytes } = upload;
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
