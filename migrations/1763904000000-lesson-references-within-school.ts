import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lesson's group and teacher belong to the lesson's school, as the database enforces rather than only
 * the code that writes lessons: one composite foreign key each, onto (school_id, id). The lesson's own
 * reference to its school is implied by them. Two row triggers per lesson instead of three also make the
 * bulk lesson import cheaper.
 */
export class LessonReferencesWithinSchool1763904000000 implements MigrationInterface {
  name = 'LessonReferencesWithinSchool1763904000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE groups ADD CONSTRAINT groups_school_id_id_key UNIQUE (school_id, id)`);
    await q.query(`ALTER TABLE teachers ADD CONSTRAINT teachers_school_id_id_key UNIQUE (school_id, id)`);
    await q.query(`ALTER TABLE lessons DROP CONSTRAINT lessons_school_id_fkey`);
    await q.query(`ALTER TABLE lessons DROP CONSTRAINT lessons_group_id_fkey`);
    await q.query(`ALTER TABLE lessons DROP CONSTRAINT lessons_teacher_id_fkey`);
    await q.query(
      `ALTER TABLE lessons ADD CONSTRAINT lessons_group_of_school_fkey FOREIGN KEY (school_id, group_id) REFERENCES groups (school_id, id)`,
    );
    await q.query(
      `ALTER TABLE lessons ADD CONSTRAINT lessons_teacher_of_school_fkey FOREIGN KEY (school_id, teacher_id) REFERENCES teachers (school_id, id)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE lessons DROP CONSTRAINT lessons_teacher_of_school_fkey`);
    await q.query(`ALTER TABLE lessons DROP CONSTRAINT lessons_group_of_school_fkey`);
    await q.query(
      `ALTER TABLE lessons ADD CONSTRAINT lessons_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES teachers(id)`,
    );
    await q.query(
      `ALTER TABLE lessons ADD CONSTRAINT lessons_group_id_fkey FOREIGN KEY (group_id) REFERENCES groups(id)`,
    );
    await q.query(
      `ALTER TABLE lessons ADD CONSTRAINT lessons_school_id_fkey FOREIGN KEY (school_id) REFERENCES schools(id)`,
    );
    await q.query(`ALTER TABLE teachers DROP CONSTRAINT teachers_school_id_id_key`);
    await q.query(`ALTER TABLE groups DROP CONSTRAINT groups_school_id_id_key`);
  }
}
