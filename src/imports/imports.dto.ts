import { IsUUID } from 'class-validator';
import { ImportKindName, ImportRowError, ImportStatus } from './import.entity';

export class ImportIdParam {
  @IsUUID()
  id: string;
}

export class ImportRowErrorResponse implements ImportRowError {
  /** The line in the file; the header is line 1. */
  line: number;
  message: string;
}

export class ImportResponse {
  id: string;
  kind: ImportKindName;
  status: ImportStatus;
  /** The uploading school; null for DUO imports. */
  schoolId: string | null;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** The first 1000 rejected rows, by line. */
  errors: ImportRowErrorResponse[];
  /** Why the import FAILED, when it did. */
  failure: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** 202 answer of every CSV upload: poll `GET /imports/{id}`. */
export class ImportAcceptedResponse {
  id: string;
}
