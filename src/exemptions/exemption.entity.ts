import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const EXEMPTION_GROUNDS = ['AGI', 'MEDICAL', 'AVI'] as const;
export type ExemptionGrounds = (typeof EXEMPTION_GROUNDS)[number];
export const EXEMPTION_STATUSES = [
  'READY_FOR_DECISION',
  'AWAITING_SCHOOL',
  'AWAITING_LEARNER_EVIDENCE',
  'INTENDED_REFUSAL',
  'GRANTED',
  'REFUSED',
] as const;
export type ExemptionStatus = (typeof EXEMPTION_STATUSES)[number];

/** ontheffing: a learner's request to be exempted from the integration duty, decided by DUO. */
@Entity('exemptions')
export class Exemption {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  learnerId: string;

  @Column('text')
  grounds: ExemptionGrounds;

  @Column('text')
  status: ExemptionStatus;

  @Column({ type: 'int', nullable: true })
  examAttempts: number | null;

  /** The day the learner filed the request (decides how many exam attempts AGI needs). */
  @Column('date')
  requestedOn: string;

  @Column({ type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', insert: false })
  createdAt: Date;

  @Column({ type: 'timestamptz', insert: false })
  updatedAt: Date;
}

/** One step on an exemption's timeline: who did what, when, and the status it led to. */
@Entity('exemption_timeline')
export class ExemptionTimelineEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('uuid')
  exemptionId: string;

  @Column({ type: 'timestamptz', insert: false })
  at: Date;

  @Column('text')
  action: string;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column('text')
  statusAfter: ExemptionStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: object | null;
}

export const CONFIRMATION_REQUEST_STATUSES = [
  'PENDING',
  'CONFIRMED',
  'DENIED',
  'EXPIRED',
  'CANCELLED',
] as const;
export type ConfirmationRequestStatus = (typeof CONFIRMATION_REQUEST_STATUSES)[number];

/**
 * DUO asks a school whether it issued the declarations in its name that no contract at DUO backs or that its
 * register lacks: one request per school concerned (the declarations in confirmation_request_declarations).
 */
@Entity('confirmation_requests')
export class ConfirmationRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  exemptionId: string;

  @Column('uuid')
  schoolId: string;

  @Column('text')
  status: ConfirmationRequestStatus;

  @Column('date')
  dueOn: string;

  @Column({ type: 'boolean', nullable: true })
  issued: boolean | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  respondedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  respondedAt: Date | null;

  @Column({ type: 'timestamptz', insert: false })
  createdAt: Date;
}
