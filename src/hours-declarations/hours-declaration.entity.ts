import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

export const DECLARATION_PURPOSES = ['AGI', 'ONA'] as const;
export type DeclarationPurpose = (typeof DECLARATION_PURPOSES)[number];
/** RECEIVED -> CHECKED (no open flag) or FLAGGED; later ACCEPTED / REJECTED by DUO. */
export type DeclarationStatus = 'RECEIVED' | 'CHECKED' | 'FLAGGED' | 'ACCEPTED' | 'REJECTED';
/** SCHOOL: filed by the school, in its register; PRESENTED: entered by DUO as the learner presented it, not in the register. */
export const DECLARATION_SOURCES = ['SCHOOL', 'PRESENTED'] as const;
export type DeclarationSource = (typeof DECLARATION_SOURCES)[number];

/** urenverklaring: hours a learner followed at the school in a period, for an exemption (AGI or ONA). */
@Entity('hours_declarations')
export class HoursDeclaration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null for a presented declaration in the name of a KvK that is no registered school. */
  @Column({ type: 'uuid', nullable: true })
  schoolId: string | null;

  /** The school's KvK number (filled from the school by the database when schoolId is set). */
  @Column('char', { length: 8 })
  schoolKvk: string;

  /** Starts SCHOOL (the column default) for what a school files. */
  @Column({ type: 'text', default: 'SCHOOL' })
  source: DeclarationSource;

  @Column('uuid')
  learnerId: string;

  @Column('text')
  purpose: DeclarationPurpose;

  @Column('date')
  periodStart: string;

  @Column('date')
  periodEnd: string;

  @Column({ type: 'numeric', transformer: numericColumn })
  hours: number;

  @Column('date')
  issuedOn: string;

  /** Starts RECEIVED (the column default); the checks and DUO move it on. */
  @Column({ type: 'text', insert: false })
  status: DeclarationStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
