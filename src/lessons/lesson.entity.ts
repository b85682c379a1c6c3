import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { numericColumn } from '../database/transformers';

export const LESSON_MODES = ['IN_PERSON', 'ONLINE_AT_SCHOOL', 'REMOTE'] as const;
/** REMOTE (e-learning outside school) does not count towards declared hours (since 2019). */
export type LessonMode = (typeof LESSON_MODES)[number];

/** Longest lesson the API accepts (DOMAIN.md; the table's CHECK says the same). */
export const MAX_LESSON_HOURS = 8;

/** les; one per (school, group, teacher, startsAt, endsAt). */
@Entity('lessons')
export class Lesson {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  schoolId: string;

  @Column('uuid')
  groupId: string;

  @Column('uuid')
  teacherId: string;

  @Column('timestamptz')
  startsAt: Date;

  @Column('timestamptz')
  endsAt: Date;

  @Column('text')
  mode: LessonMode;

  /** Generated: the date in Europe/Amsterdam. */
  @Column({ type: 'date', insert: false, update: false })
  lessonDate: string;

  /** Generated: the duration in hours. */
  @Column({ type: 'numeric', insert: false, update: false, transformer: numericColumn })
  hours: number;

  /** The CSV import that stored it, if any. */
  @Column({ type: 'uuid', nullable: true })
  importId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * presentie: one learner at one lesson, denormalised with the lesson's school, times and whether it counts.
 * Keyed (learner, lesson start, lesson): see migrations/1763904500000-attendance-keyed-by-learner.ts.
 */
@Entity('lesson_attendees')
export class LessonAttendee {
  @PrimaryColumn('uuid')
  learnerId: string;

  @PrimaryColumn('timestamptz')
  startsAt: Date;

  @PrimaryColumn('uuid')
  lessonId: string;

  @Column('uuid')
  schoolId: string;

  @Column('timestamptz')
  endsAt: Date;

  @Column('date')
  lessonDate: string;

  @Column('boolean')
  counts: boolean;
}
