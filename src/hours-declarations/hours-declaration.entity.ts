import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

export const DECLARATION_PURPOSES = ['AGI', 'ONA'] as const;
export type DeclarationPurpose = (typeof DECLARATION_PURPOSES)[number];
/** RECEIVED -> CHECKED (no open flag) or FLAGGED; later ACCEPTED / REJECTED by DUO. */
export type DeclarationStatus = 'RECEIVED' | 'CHECKED' | 'FLAGGED' | 'ACCEPTED' | 'REJECTED';

/** urenverklaring: hours a learner followed at the school in a period, for an exemption (AGI or ONA). */
@Entity('hours_declarations')
export class HoursDeclaration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

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
