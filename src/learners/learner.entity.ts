import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

/** inburgeraar. The BSN is stored encrypted, matched through its blind index, shown masked. */
@Entity('learners')
export class Learner {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('bytea', { select: false })
  bsnHash: Buffer;

  @Column('bytea', { select: false })
  bsnCiphertext: Buffer;

  @Column('char', { length: 4 })
  bsnLast4: string;

  @Column({ type: 'bigint', nullable: true, transformer: numericColumn })
  loanLimitCents: number | null;

  @Column({ type: 'date', nullable: true })
  termEndsOn: string | null;

  @Column({ type: 'int', nullable: true })
  cohortYear: number | null;

  @Column({ type: 'boolean', nullable: true })
  stillObliged: boolean | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
