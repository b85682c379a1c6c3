import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A teacher's lessons in time order, with what TEACHER_DOUBLE_BOOKED reads of them: the rule's window over
 * every lesson becomes an index-only scan, with no sort for its tie-breaker (the lesson id) and no visit to the
 * table per lesson.
 */
export class TeacherLessonsCoveringIndex1764840000000 implements MigrationInterface {
  name = 'TeacherLessonsCoveringIndex1764840000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX lessons_teacher_time`);
    await q.query(
      `CREATE INDEX lessons_teacher_time ON lessons (teacher_id, starts_at, id) INCLUDE (ends_at, school_id, lesson_date)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX lessons_teacher_time`);
    await q.query(`CREATE INDEX lessons_teacher_time ON lessons (teacher_id, starts_at)`);
  }
}
