import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who received the signal (melding): Blik op Werk, DUO or the NLA (Nederlandse Arbeidsinspectie). */
export const SIGNAL_RECEIVERS = ['BOW', 'DUO', 'NLA'] as const;
export type SignalReceiver = (typeof SIGNAL_RECEIVERS)[number];
export const SIGNAL_SOURCES = [
  'EXAM_LOCATION',
  'SCHOOL',
  'LEARNER',
  'MUNICIPALITY',
  'CHAIN_PARTNER',
  'ANONYMOUS',
  'OTHER',
] as const;
export type SignalSource = (typeof SIGNAL_SOURCES)[number];
export const SIGNAL_CATEGORIES = [
  'EXAM_FRAUD',
  'RESULTS_BELOW_HOURS',
  'LESSONS_NOT_GIVEN',
  'HOURS_INFLATED',
  'FORGED_DECLARATION',
  'QUALITY',
  'OTHER',
] as const;
export type SignalCategory = (typeof SIGNAL_CATEGORIES)[number];
export const SIGNAL_STATUSES = ['OPEN', 'IN_PROGRESS', 'CLOSED'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];
export const SIGNAL_OUTCOMES = ['NO_GROUNDS', 'MEASURES_TAKEN', 'REFERRED'] as const;
export type SignalOutcome = (typeof SIGNAL_OUTCOMES)[number];
/** The chain partners (ketenpartners) a signal can be shared with. */
export const SHARE_PARTNERS = ['BOW', 'DUO', 'NLA', 'MUNICIPALITY'] as const;
export type SharePartner = (typeof SHARE_PARTNERS)[number];
export const SIGNAL_ACTIONS = ['LINK_FLAG', 'SHARE', 'REFER_TO_NLA', 'CLOSE'] as const;
export type SignalAction = (typeof SIGNAL_ACTIONS)[number];

/** A signal (melding) of possible misuse, triaged on its timeline. */
@Entity('signals')
export class Signal {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  receivedBy: SignalReceiver;

  @Column('text')
  source: SignalSource;

  @Column('text')
  category: SignalCategory;

  @Column('date')
  receivedOn: string;

  @Column('text')
  description: string;

  @Column({ type: 'uuid', nullable: true })
  schoolId: string | null;

  @Column({ type: 'uuid', nullable: true })
  learnerId: string | null;

  @Column('text')
  status: SignalStatus;

  @Column({ type: 'text', nullable: true })
  outcome: SignalOutcome | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', insert: false })
  createdAt: Date;
}

/** One step on a signal's timeline: RECEIVED, then the triage actions. Append-only. */
@Entity('signal_events')
export class SignalEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('uuid')
  signalId: string;

  @Column({ type: 'timestamptz', insert: false })
  at: Date;

  @Column('text')
  action: 'RECEIVED' | SignalAction;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: object | null;
}
