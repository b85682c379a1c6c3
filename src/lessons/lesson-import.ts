import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isValidBsn } from '../common/bsn/bsn';
import { BsnCryptoService, ProtectedBsn } from '../common/bsn/bsn-crypto.service';
import { isInstant } from '../common/http/validators';
import {
  ImportContext,
  ImportKind,
  ImportKinds,
  MAX_REPORTED_ERRORS,
  MergeResult,
  STAGING_TABLE,
  StagingValue,
} from '../imports/import-kind';
import { ImportRowError } from '../imports/import.entity';
import { PendingChecks } from '../queue/pending-checks';
import { LESSON_MODES, LessonMode } from './lesson.entity';
import { countsSql, lessonTimesProblem } from './lesson-rules';

/** Distinct BSNs an import run remembers (a file names each learner many times); beyond, a BSN's rows each carry it protected. */
const BSN_CACHE_SIZE = 200_000;

/**
 * What the lesson import knows while it reads one file (kept in the run's scratch map): the school's
 * groups and teachers by code, the lesson fields of the last staged row with the number of its run, and
 * the numbers given to the BSNs seen so far. Bounded by the school and BSN_CACHE_SIZE, not by the file.
 */
class LessonFile {
  /** A run: consecutive staged rows of one lesson in one mode (an export lists a lesson's attendees together). */
  run = 0;
  private lesson: readonly string[] = [];
  private readonly learners = new Map<string, number>();
  private nextLearner = 0;
  /** The last times checked, and the verdict: a lesson's rows repeat them. */
  times = { key: '', problem: undefined as string | undefined };

  constructor(
    readonly groups: ReadonlyMap<string, string>,
    readonly teachers: ReadonlyMap<string, string>,
  ) {}

  /** Whether these lesson fields start a new run (and moves to it); false while they repeat the last row's. */
  startsRun(lesson: readonly string[]): boolean {
    if (lesson.length === this.lesson.length && lesson.every((field, i) => field === this.lesson[i]))
      return false;
    this.lesson = lesson;
    this.run++;
    return true;
  }

  /** The learner number of a BSN seen before, or undefined. */
  learnerOf(bsn: string): number | undefined {
    return this.learners.get(bsn);
  }

  /** Numbers a BSN seen for the first time (remembered while the map has room). */
  newLearner(bsn: string): number {
    const number = this.nextLearner++;
    if (this.learners.size < BSN_CACHE_SIZE) this.learners.set(bsn, number);
    return number;
  }
}

/**
 * `POST /lessons/imports`: one row per attendee (`group_code,teacher_reference,starts_at,ends_at,bsn[,mode]`);
 * rows with the same group, teacher and times are one lesson. A row is refused when a value is malformed,
 * its group or teacher is not the school's, or it disagrees on the mode with the lesson's other rows
 * (in the file or already stored). BSNs reach the database only protected (hash, ciphertext, last 4).
 *
 * Staged narrow: a row names its run and its learner by number. The first row of a run also carries the
 * lesson's group, teacher, times and mode, and the first row naming a BSN carries it protected. So a
 * million rows stage about 50 bytes each (not 150), and the merge matches tens of thousands of runs to
 * lessons and thousands of BSNs to learners instead of every row.
 */
@Injectable()
export class LessonImport implements ImportKind, OnModuleInit {
  readonly kind = 'LESSONS';
  readonly requiredColumns = ['group_code', 'teacher_reference', 'starts_at', 'ends_at', 'bsn'];
  readonly optionalColumns = ['mode'];
  readonly stagingColumns =
    'run int NOT NULL, learner int NOT NULL, group_id uuid, teacher_id uuid, starts_at timestamptz, ' +
    'ends_at timestamptz, mode text, bsn_hash bytea, bsn_ciphertext bytea, bsn_last4 text';

  constructor(
    private readonly kinds: ImportKinds,
    private readonly crypto: BsnCryptoService,
    private readonly pendingChecks: PendingChecks,
  ) {}

  onModuleInit(): void {
    this.kinds.register(this);
  }

  /** The school's groups and teachers, by the codes rows name them with. */
  async prepare(
    manager: EntityManager,
    { schoolId }: ImportContext,
    scratch: Map<string, unknown>,
  ): Promise<void> {
    const byCode = async (sql: string): Promise<Map<string, string>> =>
      new Map(
        ((await manager.query(sql, [schoolId])) as { code: string; id: string }[]).map((r) => [r.code, r.id]),
      );
    scratch.set(
      'file',
      new LessonFile(
        await byCode(`SELECT code, id FROM groups WHERE school_id = $1`),
        await byCode(`SELECT reference AS code, id FROM teachers WHERE school_id = $1`),
      ),
    );
  }

  parseRow(
    v: Readonly<Record<string, string>>,
    scratch: Map<string, unknown>,
  ): StagingValue[] | { error: string } {
    const file = scratch.get('file') as LessonFile;
    const groupId = file.groups.get(v.group_code);
    if (!groupId) return { error: 'group_code names no group of this school' };
    const teacherId = file.teachers.get(v.teacher_reference);
    if (!teacherId) return { error: 'teacher_reference names no teacher of this school' };
    const timesProblem = this.timesProblem(v.starts_at, v.ends_at, file);
    if (timesProblem) return { error: timesProblem };
    const mode = (v.mode || 'IN_PERSON') as LessonMode;
    if (!LESSON_MODES.includes(mode)) return { error: `mode must be one of ${LESSON_MODES.join(', ')}` };
    let learner = file.learnerOf(v.bsn);
    let bsn: ProtectedBsn | undefined;
    if (learner === undefined) {
      if (!isValidBsn(v.bsn)) return { error: 'bsn must be a 9-digit BSN that passes the 11-proof' };
      bsn = this.crypto.protect(v.bsn);
      learner = file.newLearner(v.bsn);
    }
    const lesson = [groupId, teacherId, v.starts_at, v.ends_at, mode];
    const first = file.startsRun(lesson);
    return [
      file.run,
      learner,
      ...(first ? lesson : NO_LESSON),
      bsn ? bsn.hash : null,
      bsn ? bsn.ciphertext : null,
      bsn ? bsn.last4 : null,
    ];
  }

  async merge(manager: EntityManager, { importId, schoolId }: ImportContext): Promise<MergeResult> {
    // New lessons: one per (group, teacher, times) whose runs agree on the mode, in natural key order.
    await manager.query(
      `INSERT INTO lessons (school_id, group_id, teacher_id, starts_at, ends_at, mode, import_id)
       SELECT $1, group_id, teacher_id, starts_at, ends_at, min(mode), $2 FROM ${STAGING_TABLE}
       WHERE group_id IS NOT NULL
       GROUP BY group_id, teacher_id, starts_at, ends_at HAVING min(mode) = max(mode)
       ORDER BY group_id, teacher_id, starts_at
       ON CONFLICT ON CONSTRAINT lessons_natural_key DO NOTHING`,
      [schoolId, importId],
    );
    // Each run with its lesson of the same mode (none: a mode its lesson does not have, so its rows are
    // refused), and whether this import created that lesson.
    await manager.query(
      `CREATE TEMP TABLE lesson_import_runs ON COMMIT DROP AS
       SELECT s.run, l.id AS lesson_id, l.import_id IS NOT DISTINCT FROM $2::uuid AS new_lesson
       FROM ${STAGING_TABLE} s
       LEFT JOIN lessons l ON l.school_id = $1 AND l.group_id = s.group_id AND l.teacher_id = s.teacher_id
                          AND l.starts_at = s.starts_at AND l.ends_at = s.ends_at AND l.mode = s.mode
       WHERE s.group_id IS NOT NULL`,
      [schoolId, importId],
    );
    await manager.query(`ANALYZE lesson_import_runs`);
    const refusedRuns = await this.count(manager, `lesson_import_runs WHERE lesson_id IS NULL`);
    // The learners named on an accepted row; then every staged learner number with its learner.
    await manager.query(
      `INSERT INTO learners (bsn_hash, bsn_ciphertext, bsn_last4)
       SELECT s.bsn_hash, s.bsn_ciphertext, s.bsn_last4 FROM ${STAGING_TABLE} s
       WHERE s.bsn_hash IS NOT NULL ${
         refusedRuns === 0
           ? ''
           : `AND s.learner IN (SELECT a.learner FROM ${STAGING_TABLE} a JOIN lesson_import_runs r USING (run)
                                WHERE r.lesson_id IS NOT NULL)`
       }
       ON CONFLICT (bsn_hash) DO NOTHING`,
    );
    await manager.query(
      `CREATE TEMP TABLE lesson_import_learners ON COMMIT DROP AS
       SELECT s.learner, ln.id AS learner_id FROM ${STAGING_TABLE} s JOIN learners ln ON ln.bsn_hash = s.bsn_hash
       WHERE s.bsn_hash IS NOT NULL`,
    );
    await manager.query(`ANALYZE lesson_import_learners`);
    // Attendance of the lessons this import created. Nobody else sees those lessons before the commit, so
    // only the file itself can repeat an attendee (DISTINCT ON), and a plain INSERT needs no conflict check.
    // Sorted like the attendance key, so that B-tree grows by appends rather than random page splits.
    const attendance = (lessons: string): string => `
      INSERT INTO lesson_attendees (lesson_id, learner_id, school_id, starts_at, ends_at, lesson_date, counts)
      SELECT DISTINCT ON (k.learner_id, l.starts_at, l.id)
             l.id, k.learner_id, l.school_id, l.starts_at, l.ends_at, l.lesson_date, ${countsSql('l.mode')}
      FROM ${STAGING_TABLE} s JOIN lesson_import_runs r USING (run) JOIN lessons l ON l.id = r.lesson_id
      JOIN lesson_import_learners k USING (learner)
      WHERE ${lessons}
      ORDER BY k.learner_id, l.starts_at, l.id`;
    await manager.query(attendance('r.new_lesson'));
    // Attendance of lessons stored before: a re-import, or attendees added to an earlier lesson.
    await manager.query(`${attendance('NOT r.new_lesson')} ON CONFLICT DO NOTHING`);
    // The file's learners to check (a learner named only on a refused row gets an extra check, never a missed one).
    const learners: { ids: string[] | null }[] = await manager.query(
      `SELECT array_agg(DISTINCT learner_id) AS ids FROM lesson_import_learners`,
    );
    if (schoolId) await this.pendingChecks.markSchool(manager, schoolId);
    await this.pendingChecks.markLearners(manager, learners[0].ids ?? []);
    if (refusedRuns === 0) return { rejected: 0, errors: [] };
    const refused = `${STAGING_TABLE} s JOIN lesson_import_runs r USING (run) WHERE r.lesson_id IS NULL`;
    const errors: ImportRowError[] = await manager.query(
      `SELECT s.line, 'mode differs from other rows of the same lesson (same group, teacher and times)' AS message
       FROM ${refused} ORDER BY s.line LIMIT ${MAX_REPORTED_ERRORS}`,
    );
    return { rejected: await this.count(manager, refused), errors };
  }

  private async count(manager: EntityManager, from: string): Promise<number> {
    const [{ count }]: { count: number }[] = await manager.query(
      `SELECT count(*)::int AS count FROM ${from}`,
    );
    return count;
  }

  /**
   * The row's times, checked once per lesson (a lesson's rows follow each other): a message, or
   * undefined when they are fine.
   */
  private timesProblem(startsAt: string, endsAt: string, file: LessonFile): string | undefined {
    const key = `${startsAt} ${endsAt}`;
    if (file.times.key === key) return file.times.problem;
    let problem: string | undefined;
    if (!isInstant(startsAt)) problem = 'starts_at must be an ISO 8601 instant with an offset';
    else if (!isInstant(endsAt)) problem = 'ends_at must be an ISO 8601 instant with an offset';
    else {
      const rule = lessonTimesProblem(new Date(startsAt), new Date(endsAt));
      if (rule) problem = `ends_at: ${rule}`;
    }
    file.times = { key, problem };
    return problem;
  }
}

/** The lesson fields of a row that continues its run. */
const NO_LESSON = [null, null, null, null, null];
