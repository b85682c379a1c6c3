import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

export const IMPORT_KINDS = ['LESSONS', 'LOAN_ACCOUNTS', 'PAYMENTS', 'CONTRACTS', 'EXAM_RESULTS'] as const;
export type ImportKindName = (typeof IMPORT_KINDS)[number];
export type ImportStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

/** One reported bad row: `line` counts the header as line 1. The message never quotes a value. */
export interface ImportRowError {
  line: number;
  message: string;
}

/** An uploaded CSV file and the progress of its background import. */
@Entity('imports')
export class Import {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  kind: ImportKindName;

  /** The school whose file it is; null for DUO's own imports. */
  @Column({ type: 'uuid', nullable: true })
  schoolId: string | null;

  @Column({ type: 'text', insert: false })
  status: ImportStatus;

  @Column('text', { select: false })
  filePath: string;

  @Column('text')
  fileSha256: string;

  @Column({ type: 'bigint', transformer: numericColumn })
  fileBytes: number;

  @Column({ type: 'int', insert: false })
  rowsTotal: number;

  @Column({ type: 'int', insert: false })
  rowsAccepted: number;

  @Column({ type: 'int', insert: false })
  rowsRejected: number;

  @Column({ type: 'jsonb', insert: false })
  errors: ImportRowError[];

  @Column({ type: 'text', nullable: true, insert: false })
  failure: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', insert: false })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true, insert: false })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true, insert: false })
  finishedAt: Date | null;
}
