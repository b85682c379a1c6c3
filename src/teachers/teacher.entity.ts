import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

export const RELATED_QUALIFICATIONS = ['DUTCH', 'MODERN_FOREIGN_LANGUAGE', 'PABO', 'OUTDATED_NT2'] as const;
export type RelatedQualification = (typeof RELATED_QUALIFICATIONS)[number];

/** docent NT2 of a school; `reference` is the school's own key for the teacher. */
@Entity('teachers')
export class Teacher {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('text')
  name: string;

  @Column('text')
  reference: string;

  /** Holds the NT2 teaching certificate (bevoegd docent NT2). */
  @Column('boolean')
  nt2Certified: boolean;

  @Column({ type: 'date', nullable: true })
  certifiedSince: string | null;

  @Column({ type: 'numeric', nullable: true, transformer: numericColumn })
  nt2ExperienceYears: number | null;

  /** verwante bevoegdheid, for the teacher-shortage measures. */
  @Column({ type: 'text', nullable: true })
  relatedQualification: RelatedQualification | null;

  @Column({ type: 'date', nullable: true })
  nt2TrainingStartedOn: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
