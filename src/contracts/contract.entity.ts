import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

export const FUNDINGS = ['DUO_LOAN', 'SELF', 'MUNICIPALITY'] as const;
export type Funding = (typeof FUNDINGS)[number];

/** overeenkomst between a school and a learner; `reference` is the school's own key. */
@Entity('contracts')
export class Contract {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('uuid')
  learnerId: string;

  @Column('text')
  reference: string;

  @Column('date')
  startDate: string;

  @Column('date')
  endDate: string;

  @Column({ type: 'numeric', transformer: numericColumn })
  hours: number;

  @Column({ type: 'bigint', transformer: numericColumn })
  priceCents: number;

  @Column('text')
  funding: Funding;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
