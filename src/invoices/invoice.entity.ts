import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

/** factuur on a contract, for a period; sent only afterwards (invoiceDate >= periodEnd). */
@Entity('invoices')
export class Invoice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('uuid')
  contractId: string;

  /** The contract's learner, denormalised for the checks. */
  @Column('uuid')
  learnerId: string;

  @Column('text')
  invoiceNumber: string;

  @Column('date')
  invoiceDate: string;

  @Column('date')
  periodStart: string;

  @Column('date')
  periodEnd: string;

  @Column({ type: 'numeric', transformer: numericColumn })
  hours: number;

  @Column({ type: 'bigint', transformer: numericColumn })
  amountCents: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
