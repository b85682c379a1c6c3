import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * lesson_attendees without foreign keys. A foreign key costs a trigger and a row lock per inserted
 * row: on the bulk lesson import (a million attendance rows a year) the two checks took longer than
 * the insert itself, so the import could not keep up with a plain COPY (bench/lesson-import.bench.ts).
 * Attendance is written only by the lessons module, in the transaction that creates its lesson, from
 * a join with the lessons and learners it names, so its references hold by construction; no lesson
 * or learner is ever deleted.
 */
export class AttendanceWithoutRowTriggers1763903000000 implements MigrationInterface {
  name = 'AttendanceWithoutRowTriggers1763903000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lesson_attendees DROP CONSTRAINT lesson_attendees_lesson_id_fkey`);
    await q.query(`ALTER TABLE lesson_attendees DROP CONSTRAINT lesson_attendees_learner_id_fkey`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE lesson_attendees ADD CONSTRAINT lesson_attendees_lesson_id_fkey FOREIGN KEY (lesson_id) REFERENCES lessons(id) ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE lesson_attendees ADD CONSTRAINT lesson_attendees_learner_id_fkey FOREIGN KEY (learner_id) REFERENCES learners(id)`,
    );
  }
}
