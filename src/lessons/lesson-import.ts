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

/** Distinct learners an import remembers the protected BSN of (a file names each learner many times); beyond, rows protect their own. */
const BSN_CACHE_SIZE = 200_000;
const MAX_KEY_LENGTH = 100;

/** A BSN as a row stages it: the blind index always, ciphertext and last 4 on its first row only. */
type StagedBsn = Pick<ProtectedBsn, 'hash'> & { ciphertext: Buffer | null; last4: string | null };

/**
 * `POST /lessons/imports`: one row per attendee (`group_code,teacher_reference,starts_at,ends_at,bsn[,mode]`);
 * rows with the same group, teacher and times are one lesson. A row is refused when a value is malformed,
 * its group or teacher is not the school's, or it disagrees on the mode with the lesson's other rows
 * (in the file or already stored). BSNs reach the database only protected (hash, ciphertext, last 4).
 */
@Injectable()
export class LessonImport implements ImportKind, OnModuleInit {
  readonly kind = 'LESSONS';
  readonly requiredColumns = ['group_code', 'teacher_reference', 'starts_at', 'ends_at', 'bsn'];
  readonly optionalColumns = ['mode'];
  readonly stagingColumns =
    'group_code text NOT NULL, teacher_reference text NOT NULL, starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL, ' +
    'mode text NOT NULL, bsn_hash bytea NOT NULL, bsn_ciphertext bytea, bsn_last4 text';

  constructor(
    private readonly kinds: ImportKinds,
    private readonly crypto: BsnCryptoService,
    private readonly pendingChecks: PendingChecks,
  ) {}

  onModuleInit(): void {
    this.kinds.register(this);
  }

  parseRow(
    v: Readonly<Record<string, string>>,
    scratch: Map<string, unknown>,
  ): StagingValue[] | { error: string } {
    if (!v.group_code || v.group_code.length > MAX_KEY_LENGTH)
      return { error: `group_code must be 1 to ${MAX_KEY_LENGTH} characters` };
    if (!v.teacher_reference || v.teacher_reference.length > MAX_KEY_LENGTH) {
      return { error: `teacher_reference must be 1 to ${MAX_KEY_LENGTH} characters` };
    }
    const timesProblem = this.timesProblem(v.starts_at, v.ends_at, scratch);
    if (timesProblem) return { error: timesProblem };
    const mode = (v.mode || 'IN_PERSON') as LessonMode;
    if (!LESSON_MODES.includes(mode)) return { error: `mode must be one of ${LESSON_MODES.join(', ')}` };
    const bsn = this.protect(v.bsn, scratch);
    if (!bsn) return { error: 'bsn must be a 9-digit BSN that passes the 11-proof' };
    return [
      v.group_code,
      v.teacher_reference,
      v.starts_at,
      v.ends_at,
      mode,
      bsn.hash,
      bsn.ciphertext,
      bsn.last4,
    ];
  }

  async merge(manager: EntityManager, { importId, schoolId }: ImportContext): Promise<MergeResult> {
    // Each row with its group, teacher and (once the new lessons exist) its lesson of the same mode.
    const matchRows = `
      CREATE TEMP TABLE lesson_import_rows ON COMMIT DROP AS
      SELECT s.line, s.bsn_hash, g.id AS group_id, t.id AS teacher_id, l.id AS lesson_id, l.import_id = $2 AS new_lesson
      FROM ${STAGING_TABLE} s
      LEFT JOIN groups g ON g.school_id = $1 AND g.code = s.group_code
      LEFT JOIN teachers t ON t.school_id = $1 AND t.reference = s.teacher_reference
      LEFT JOIN lessons l ON l.school_id = $1 AND l.group_id = g.id AND l.teacher_id = t.id
                         AND l.starts_at = s.starts_at AND l.ends_at = s.ends_at AND l.mode = s.mode`;
    // New lessons: one per (group, teacher, times) whose rows agree on the mode. Grouped before the
    // joins, so a million rows hash into lessons without a sort.
    await manager.query(
      `INSERT INTO lessons (school_id, group_id, teacher_id, starts_at, ends_at, mode, import_id)
       SELECT $1, g.id, t.id, k.starts_at, k.ends_at, k.mode, $2
       FROM (SELECT group_code, teacher_reference, starts_at, ends_at, min(mode) AS mode FROM ${STAGING_TABLE}
             GROUP BY group_code, teacher_reference, starts_at, ends_at HAVING min(mode) = max(mode)) k
       JOIN groups g ON g.school_id = $1 AND g.code = k.group_code
       JOIN teachers t ON t.school_id = $1 AND t.reference = k.teacher_reference
       ON CONFLICT ON CONSTRAINT lessons_natural_key DO NOTHING`,
      [schoolId, importId],
    );
    await manager.query(matchRows, [schoolId, importId]);
    await manager.query(`ANALYZE lesson_import_rows`);
    await manager.query(
      `INSERT INTO learners (bsn_hash, bsn_ciphertext, bsn_last4)
       SELECT s.bsn_hash, s.bsn_ciphertext, s.bsn_last4 FROM ${STAGING_TABLE} s
       WHERE s.bsn_ciphertext IS NOT NULL AND s.bsn_hash IN (SELECT bsn_hash FROM lesson_import_rows WHERE lesson_id IS NOT NULL)
       ON CONFLICT (bsn_hash) DO NOTHING`,
    );
    // Attendance of the lessons this import created. Nobody else sees those lessons before the commit, so
    // only the file itself can repeat an attendee (DISTINCT ON), and a plain INSERT needs no conflict check.
    // Sorted like the attendance index, so that B-tree grows by appends rather than random page splits.
    const attendance = (lessons: string): string => `
      INSERT INTO lesson_attendees (lesson_id, learner_id, school_id, starts_at, ends_at, lesson_date, counts)
      SELECT DISTINCT ON (ln.id, l.starts_at, l.id) l.id, ln.id, l.school_id, l.starts_at, l.ends_at, l.lesson_date, ${countsSql('l.mode')}
      FROM lesson_import_rows r JOIN lessons l ON l.id = r.lesson_id JOIN learners ln ON ln.bsn_hash = r.bsn_hash
      WHERE ${lessons}
      ORDER BY ln.id, l.starts_at, l.id`;
    await manager.query(attendance('r.new_lesson'));
    // Attendance of lessons stored before: a re-import, or attendees added to an earlier lesson.
    await manager.query(`${attendance('NOT r.new_lesson')} ON CONFLICT DO NOTHING`);
    // The file's learners to check, from the rows that carry a BSN's first occurrence (thousands, not a million;
    // a learner named only on a refused row gets an extra check, never a missed one).
    const learners: { ids: string[] | null }[] = await manager.query(
      `SELECT array_agg(DISTINCT ln.id) AS ids FROM ${STAGING_TABLE} s JOIN learners ln ON ln.bsn_hash = s.bsn_hash
       WHERE s.bsn_ciphertext IS NOT NULL`,
    );
    if (schoolId) await this.pendingChecks.markSchool(manager, schoolId);
    await this.pendingChecks.markLearners(manager, learners[0].ids ?? []);
    return this.refusedRows(manager);
  }

  /** The rows without a lesson: unknown group or teacher, or a mode their lesson does not have. */
  private async refusedRows(manager: EntityManager): Promise<MergeResult> {
    const [{ count }]: { count: number }[] = await manager.query(
      `SELECT count(*)::int AS count FROM lesson_import_rows WHERE lesson_id IS NULL`,
    );
    const errors: ImportRowError[] = await manager.query(
      `SELECT line, CASE WHEN group_id IS NULL THEN 'group_code names no group of this school'
                         WHEN teacher_id IS NULL THEN 'teacher_reference names no teacher of this school'
                         ELSE 'mode differs from other rows of the same lesson (same group, teacher and times)' END AS message
       FROM lesson_import_rows WHERE lesson_id IS NULL ORDER BY line LIMIT ${MAX_REPORTED_ERRORS}`,
    );
    return { rejected: count, errors };
  }

  /**
   * The row's times, checked once per lesson (a lesson's rows follow each other): a message, or
   * undefined when they are fine.
   */
  private timesProblem(startsAt: string, endsAt: string, scratch: Map<string, unknown>): string | undefined {
    const key = `${startsAt} ${endsAt}`;
    const last = scratch.get('times') as { key: string; problem: string | undefined } | undefined;
    if (last?.key === key) return last.problem;
    let problem: string | undefined;
    if (!isInstant(startsAt)) problem = 'starts_at must be an ISO 8601 instant with an offset';
    else if (!isInstant(endsAt)) problem = 'ends_at must be an ISO 8601 instant with an offset';
    else {
      const rule = lessonTimesProblem(new Date(startsAt), new Date(endsAt));
      if (rule) problem = `ends_at: ${rule}`;
    }
    scratch.set('times', { key, problem });
    return problem;
  }

  /**
   * What a row stages of its BSN, or undefined for an invalid BSN. Each BSN is protected once per file: the
   * row that names it first carries its ciphertext and last 4 (the learner may be new), later rows the hash only.
   */
  private protect(bsn: string, scratch: Map<string, unknown>): StagedBsn | undefined {
    let seen = scratch.get('bsns') as Map<string, StagedBsn> | undefined;
    if (!seen) scratch.set('bsns', (seen = new Map()));
    const known = seen.get(bsn);
    if (known) return known;
    if (!isValidBsn(bsn)) return undefined;
    const protectedBsn = this.crypto.protect(bsn);
    if (seen.size < BSN_CACHE_SIZE) seen.set(bsn, { hash: protectedBsn.hash, ciphertext: null, last4: null });
    return protectedBsn;
  }
}
