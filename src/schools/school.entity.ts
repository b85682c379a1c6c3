import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** taalschool; keurmerkhouder when it holds the Blik op Werk keurmerk. */
@Entity('schools')
export class School {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('char', { length: 8 })
  kvkNumber: string;

  @Column({ type: 'text', nullable: true })
  bowNumber: string | null;

  /** The day the school ceased to exist (KvK deregistered); from the day after, its users can no longer submit. */
  @Column({ type: 'date', nullable: true })
  closedOn: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export const KEURMERK_EVENT_STATUSES = ['ASPIRANT', 'GRANTED', 'SUSPENDED', 'WITHDRAWN'] as const;
export type KeurmerkEventStatus = (typeof KEURMERK_EVENT_STATUSES)[number];
/** NONE: no event yet. SUSPENDED = schorsing, WITHDRAWN = intrekking. */
export type KeurmerkStatus = 'NONE' | KeurmerkEventStatus;
/** Why a keurmerk was suspended or withdrawn; OWN_REQUEST: the school let it lapse. */
export const KEURMERK_GROUNDS = ['FRAUD', 'QUALITY', 'OWN_REQUEST'] as const;
export type KeurmerkGrounds = (typeof KEURMERK_GROUNDS)[number];
/** The statuses that carry grounds. */
export const SANCTIONS: readonly KeurmerkEventStatus[] = ['SUSPENDED', 'WITHDRAWN'];

@Entity('keurmerk_events')
export class KeurmerkEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('text')
  status: KeurmerkEventStatus;

  @Column('date')
  effectiveFrom: string;

  @Column('text')
  reason: string;

  /** SUSPENDED and WITHDRAWN only; null when not given. */
  @Column({ type: 'text', nullable: true })
  grounds: KeurmerkGrounds | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', insert: false })
  createdAt: Date;
}

export const MEASURE_KINDS = [
  'EXPERIENCED_TEACHERS',
  'TEACHERS_IN_TRAINING',
  'DEFERRED_ENFORCEMENT',
  'GROUP_SIZE_LENIENCY',
] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

/** A temporary teacher-shortage measure (tijdelijke maatregel NT2-docententekort) a school reported. */
@Entity('measures')
export class Measure {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('text')
  kind: MeasureKind;

  @Column('date')
  validFrom: string;

  @Column('date')
  validTo: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
