import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FlagStatus, Severity, SubjectType } from '../common/vocabulary';

export { FLAG_STATUSES, SEVERITIES, SUBJECT_TYPES } from '../common/vocabulary';
export type { FlagStatus, Severity, SubjectType };

/**
 * A record of evidence: which record, of which school (null for DUO data or learner-level facts).
 * A SCHOOL user sees only the records of its own school; the rest is redacted.
 */
export interface EvidenceRecord {
  type:
    | 'HOURS_DECLARATION'
    | 'INVOICE'
    | 'LESSON'
    | 'CONTRACT'
    | 'DUO_PAYMENT'
    | 'LEARNER'
    | 'TEACHER'
    | 'GROUP'
    | 'KEURMERK_EVENT'
    | 'MEASURE'
    | 'EXAM_RESULT';
  id: string;
  schoolId: string | null;
  [detail: string]: unknown;
}

/** Evidence: the numbers that made the rule fire, and the records they come from. */
export interface Evidence {
  records: EvidenceRecord[];
  [number: string]: unknown;
}

/** One flag per (rule, subject, period), upserted by the checks; decided flags are never changed by the system. */
@Entity('flags')
export class Flag {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  ruleCode: string;

  @Column('text')
  severity: Severity;

  @Column('text')
  status: FlagStatus;

  @Column({ type: 'uuid', nullable: true })
  schoolId: string | null;

  @Column('text')
  subjectType: SubjectType;

  @Column('uuid')
  subjectId: string;

  @Column({ type: 'date', nullable: true })
  periodFrom: string | null;

  @Column({ type: 'date', nullable: true })
  periodTo: string | null;

  @Column('text')
  explanation: string;

  @Column('jsonb')
  evidence: Evidence;

  @Column('timestamptz')
  raisedAt: Date;

  @Column('timestamptz')
  lastCheckedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ type: 'text', nullable: true })
  decisionOutcome: 'CONFIRMED' | 'DISMISSED' | null;

  @Column({ type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  /** Four eyes: the second person who approved a HIGH flag's confirmation (it took effect at decidedAt). */
  @Column({ type: 'uuid', nullable: true })
  decisionApprovedBy: string | null;

  /** Four eyes: a confirmation proposed by one reviewer, awaiting another's approval. */
  @Column({ type: 'text', nullable: true })
  pendingOutcome: 'CONFIRMED' | null;

  @Column({ type: 'text', nullable: true })
  pendingReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  pendingProposedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  pendingProposedAt: Date | null;

  /** Hoor en wederhoor: the question to the school, its due date and the school's view (zienswijze). */
  @Column({ type: 'text', nullable: true })
  hearingQuestion: string | null;

  @Column({ type: 'date', nullable: true })
  hearingDueOn: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  hearingRequestedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  hearingRequestedBy: string | null;

  @Column({ type: 'text', nullable: true })
  hearingStatement: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  hearingRespondedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  hearingRespondedBy: string | null;
}

export const FLAG_EVENT_ACTIONS = [
  'RAISED',
  'RECONFIRMED',
  'ASSIGNED',
  'DECIDED',
  'WITHDRAWN',
  'REOPENED',
  'HEARING_REQUESTED',
  'HEARING_ANSWERED',
  'DECISION_PROPOSED',
  'DECISION_APPROVED',
  'DECISION_REJECTED',
] as const;
export type FlagEventAction = (typeof FLAG_EVENT_ACTIONS)[number];

/** A flag's history: raised, re-confirmed by later checks, assigned, heard, proposed, approved, decided, withdrawn. */
@Entity('flag_events')
export class FlagEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('uuid')
  flagId: string;

  @Column({ type: 'timestamptz', insert: false })
  at: Date;

  @Column('text')
  action: FlagEventAction;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  checkRunId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: object | null;
}
