import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Severity, SubjectType } from '../flags/flag.entity';

/** One rule of the catalogue: severity, parameters and whether it runs are data an auditor may change. */
@Entity('rules')
export class Rule {
  @PrimaryColumn('text')
  code: string;

  @Column('text')
  description: string;

  @Column('text')
  subjectType: SubjectType;

  @Column('text')
  defaultSeverity: Severity;

  @Column('text')
  severity: Severity;

  @Column('boolean')
  enabled: boolean;

  @Column('jsonb')
  parameters: Record<string, unknown>;

  @Column('timestamptz')
  updatedAt: Date;
}
