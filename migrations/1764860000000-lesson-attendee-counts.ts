import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each lesson's number of attendees, kept by the database in lesson_attendee_counts: GROUP_SIZE_EXCEEDED
 * compares it with the group's maximum instead of counting the twelve million attendance rows again in every
 * full run (about 2 s here). A lesson nobody attended has no row.
 *
 * Statement triggers with transition tables keep it, so every path that writes attendance (a lesson registered
 * by hand, a CSV import, attendees an import adds to an earlier lesson, a fixture) keeps it alike, with one
 * grouped statement per statement rather than a trigger per row (1763903000000 says what row triggers cost
 * the bulk import). The counts live in their own narrow table rather than on lessons: updating a million wide
 * lesson rows with four indexes cost the import far more than upserting narrow ones. Rows are upserted in
 * lesson order, so two imports adding attendees to the same lessons lock them in the same order.
 */
export class LessonAttendeeCounts1764860000000 implements MigrationInterface {
  name = 'LessonAttendeeCounts1764860000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lesson_attendee_counts (
        lesson_id uuid PRIMARY KEY,
        attendees integer NOT NULL CHECK (attendees >= 0)
      )`);
    await q.query(`
      INSERT INTO lesson_attendee_counts (lesson_id, attendees)
      SELECT lesson_id, count(*) FROM lesson_attendees GROUP BY lesson_id`);
    // A transition table exists only for the events that have it, so each is read in its own branch.
    await q.query(`
      CREATE FUNCTION count_lesson_attendees() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'DELETE' THEN
          INSERT INTO lesson_attendee_counts AS c (lesson_id, attendees)
          SELECT lesson_id, count(*) FROM attendees_added GROUP BY lesson_id ORDER BY lesson_id
          ON CONFLICT (lesson_id) DO UPDATE SET attendees = c.attendees + EXCLUDED.attendees;
        END IF;
        IF TG_OP <> 'INSERT' THEN
          UPDATE lesson_attendee_counts c SET attendees = c.attendees - r.attendees
          FROM (SELECT lesson_id, count(*) AS attendees FROM attendees_removed GROUP BY lesson_id) r
          WHERE c.lesson_id = r.lesson_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER lesson_attendees_added AFTER INSERT ON lesson_attendees
      REFERENCING NEW TABLE AS attendees_added FOR EACH STATEMENT EXECUTE FUNCTION count_lesson_attendees()`);
    await q.query(`
      CREATE TRIGGER lesson_attendees_removed AFTER DELETE ON lesson_attendees
      REFERENCING OLD TABLE AS attendees_removed FOR EACH STATEMENT EXECUTE FUNCTION count_lesson_attendees()`);
    await q.query(`
      CREATE TRIGGER lesson_attendees_moved AFTER UPDATE ON lesson_attendees
      REFERENCING OLD TABLE AS attendees_removed NEW TABLE AS attendees_added
      FOR EACH STATEMENT EXECUTE FUNCTION count_lesson_attendees()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER lesson_attendees_moved ON lesson_attendees`);
    await q.query(`DROP TRIGGER lesson_attendees_removed ON lesson_attendees`);
    await q.query(`DROP TRIGGER lesson_attendees_added ON lesson_attendees`);
    await q.query(`DROP FUNCTION count_lesson_attendees()`);
    await q.query(`DROP TABLE lesson_attendee_counts`);
  }
}
