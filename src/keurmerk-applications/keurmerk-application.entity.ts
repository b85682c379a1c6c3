import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** ASPIRANT: an application for the aspirant-keurmerk; KEURMERK: for the keurmerk itself. */
export const APPLICATION_KINDS = ['ASPIRANT', 'KEURMERK'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];
export const APPLICATION_STATUSES = ['RECEIVED', 'GRANTED', 'REFUSED'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const APPLICATION_OUTCOMES = ['GRANTED', 'REFUSED'] as const;
export type ApplicationOutcome = (typeof APPLICATION_OUTCOMES)[number];

/** An application to Blik op Werk for the (aspirant-)keurmerk; a grant writes the keurmerk event. */
@Entity('keurmerk_applications')
export class KeurmerkApplication {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('text')
  kind: ApplicationKind;

  @Column('date')
  receivedOn: string;

  @Column('text')
  status: ApplicationStatus;

  @Column({ type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'date', nullable: true })
  decidedOn: string | null;

  @Column({ type: 'date', nullable: true })
  effectiveFrom: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ type: 'uuid', nullable: true })
  keurmerkEventId: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', insert: false })
  createdAt: Date;
}
