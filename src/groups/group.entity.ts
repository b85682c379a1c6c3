import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Route } from '../common/vocabulary';

/** lesgroep; `code` is the school's own key for the group. */
@Entity('groups')
export class Group {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('text')
  code: string;

  @Column('text')
  route: Route;

  /** The group's own maximum; null: the route's maximum (which also caps an own maximum). */
  @Column({ type: 'int', nullable: true })
  maxSize: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
