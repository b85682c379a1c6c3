import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const INSPECTION_KINDS = ['AUDIT', 'FINANCIAL_AUDIT', 'UNANNOUNCED_VISIT'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];
export const INSPECTION_OUTCOMES = ['NO_FINDINGS', 'FINDINGS', 'MEASURES'] as const;
export type InspectionOutcome = (typeof INSPECTION_OUTCOMES)[number];

/** An inspection of a school by Blik op Werk: an audit, a financial audit or an unannounced visit. */
@Entity('inspections')
export class Inspection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('text')
  kind: InspectionKind;

  @Column('date')
  visitedOn: string;

  @Column('text')
  findings: string;

  @Column('text')
  outcome: InspectionOutcome;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', insert: false })
  createdAt: Date;
}
