import { Column, Entity, PrimaryColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

export const AUDIT_SUBJECT_TYPES = [
  'USER',
  'SCHOOL',
  'KEURMERK_EVENT',
  'MEASURE',
  'TEACHER',
  'GROUP',
  'LESSON',
  'CONTRACT',
  'INVOICE',
  'HOURS_DECLARATION',
  'IMPORT',
  'RULE',
  'FLAG',
  'EXEMPTION',
  'CONFIRMATION_REQUEST',
  'SIGNAL',
  'KEURMERK_APPLICATION',
  'INSPECTION',
] as const;
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number];

/** One change to one record. Append-only: the database refuses UPDATE, DELETE and TRUNCATE. */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryColumn({ type: 'bigint', insert: false, transformer: numericColumn })
  id: number;

  @Column({ type: 'timestamptz', insert: false })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  actorRole: string | null;

  @Column('text')
  action: string;

  @Column('text')
  subjectType: AuditSubjectType;

  @Column('text')
  subjectId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: object | null;

  @Column({ type: 'jsonb', nullable: true })
  after: object | null;
}
