import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isValidBsn } from '../common/bsn/bsn';
import { BsnCryptoService, ProtectedBsn } from '../common/bsn/bsn-crypto.service';
import { isInstant } from '../common/http/validators';
import { ImportContext, ImportKind, ImportKinds, MAX_REPORTED_ERRORS, MergeResult, STAGING_TABLE, StagingValue } from '../imports/import-kind';
import { ImportRowError } from '../imports/import.entity';
import { PendingChecks } from '../queue/pending-checks';
import { LESSON_MODES, LessonMode } from './lesson.entity';
import { countsSql, lessonTimesProblem } from './lesson-rules';

/** Distinct learners an import remembers the protected BSN of (a file names each learner many times). */
const BSN_CACHE_SIZE = 200_000;
const MAX_KEY_LENGTH = 100;

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
    'mode text NOT NULL, bsn_hash bytea NOT NULL, bsn_ciphertext bytea NOT NULL, bsn_last4 text NOT NULL';

  private readonly protectedBsns = new Map<string, ProtectedBsn>();

  constructor(
    private readonly kinds: ImportKinds,
    private readonly crypto: BsnCryptoService,
    private readonly pendingChecks: PendingChecks,
  ) {}

  onModuleInit(): void {
    this.kinds.register(this);
  }

  parseRow(v: Readonly<Record<string, string>>): StagingValue[] | { error: string } {
    if (!v.group_code || v.group_code.length > MAX_KEY_LENGTH) return { error: `group_code must be 1 to ${MAX_KEY_LENGTH} characters` };
    if (!v.teacher_reference || v.teacher_reference.length > MAX_KEY_LENGTH) {
      return { error: `teacher_reference must be 1 to ${MAX_KEY_LENGTH} characters` };
    }
    if (!isInstant(v.starts_at)) return { error: 'starts_at must be an ISO 8601 instant with an offset' };
    if (!isInstant(v.ends_at)) return { error: 'ends_at must be an ISO 8601 instant with an offset' };
    const timesProblem = lessonTimesProblem(new Date(v.starts_at), new Date(v.ends_at));
    if (timesProblem) return { error: `ends_at: ${timesProblem}` };
    const mode = (v.mode || 'IN_PERSON') as LessonMode;
    if (!LESSON_MODES.includes(mode)) return { error: `mode must be one of ${LESSON_MODES.join(', ')}` };
    if (!isValidBsn(v.bsn)) return { error: 'bsn must be a 9-digit BSN that passes the 11-proof' };
    const bsn = this.protect(v.bsn);
    return [v.group_code, v.teacher_reference, v.starts_at, v.ends_at, mode, bsn.hash, bsn.ciphertext, bsn.last4];
  }

  async merge(manager: EntityManager, { importId, schoolId }: ImportContext): Promise<MergeResult> {
    this.protectedBsns.clear(); // the file is read: keep no BSN longer than needed
    // Each row with its group, teacher and (once the new lessons exist) its lesson of the same mode.
    const matchRows = `
      CREATE TEMP TABLE lesson_import_rows ON COMMIT DROP AS
      SELECT s.line, s.bsn_hash, s.bsn_ciphertext, s.bsn_last4, g.id AS group_id, t.id AS teacher_id, l.id AS lesson_id
      FROM ${STAGING_TABLE} s
      LEFT JOIN groups g ON g.school_id = $1 AND g.code = s.group_code
      LEFT JOIN teachers t ON t.school_id = $1 AND t.reference = s.teacher_reference
      LEFT JOIN lessons l ON l.school_id = $1 AND l.group_id = g.id AND l.teacher_id = t.id
                         AND l.starts_at = s.starts_at AND l.ends_at = s.ends_at AND l.mode = s.mode`;
    // New lessons: one per (group, teacher, times) whose rows agree on the mode.
    await manager.query(
      `INSERT INTO lessons (school_id, group_id, teacher_id, starts_at, ends_at, mode, import_id)
       SELECT $1, g.id, t.id, s.starts_at, s.ends_at, min(s.mode), $2
       FROM ${STAGING_TABLE} s
       JOIN groups g ON g.school_id = $1 AND g.code = s.group_code
       JOIN teachers t ON t.school_id = $1 AND t.reference = s.teacher_reference
       GROUP BY g.id, t.id, s.starts_at, s.ends_at
       HAVING count(DISTINCT s.mode) = 1
       ORDER BY s.starts_at
       ON CONFLICT ON CONSTRAINT lessons_natural_key DO NOTHING`,
      [schoolId, importId],
    );
    await manager.query(matchRows, [schoolId]);
    await manager.query(
      `INSERT INTO learners (bsn_hash, bsn_ciphertext, bsn_last4)
       SELECT DISTINCT ON (bsn_hash) bsn_hash, bsn_ciphertext, bsn_last4 FROM lesson_import_rows WHERE lesson_id IS NOT NULL
       ON CONFLICT (bsn_hash) DO NOTHING`,
    );
    // Sorted like the attendance index, so the B-tree grows by appends rather than random page splits.
    await manager.query(
      `INSERT INTO lesson_attendees (lesson_id, learner_id, school_id, starts_at, ends_at, lesson_date, counts)
       SELECT l.id, ln.id, l.school_id, l.starts_at, l.ends_at, l.lesson_date, ${countsSql('l.mode')}
       FROM lesson_import_rows r JOIN lessons l ON l.id = r.lesson_id JOIN learners ln ON ln.bsn_hash = r.bsn_hash
       ORDER BY ln.id, l.starts_at
       ON CONFLICT DO NOTHING`,
    );
    const learners: { ids: string[] | null }[] = await manager.query(
      `SELECT array_agg(DISTINCT ln.id) AS ids FROM lesson_import_rows r JOIN learners ln ON ln.bsn_hash = r.bsn_hash WHERE r.lesson_id IS NOT NULL`,
    );
    if (schoolId) await this.pendingChecks.markSchool(manager, schoolId);
    await this.pendingChecks.markLearners(manager, learners[0].ids ?? []);
    return this.refusedRows(manager);
  }

  /** The rows without a lesson: unknown group or teacher, or a mode their lesson does not have. */
  private async refusedRows(manager: EntityManager): Promise<MergeResult> {
    const [{ count }]: { count: number }[] = await manager.query(`SELECT count(*)::int AS count FROM lesson_import_rows WHERE lesson_id IS NULL`);
    const errors: ImportRowError[] = await manager.query(
      `SELECT line, CASE WHEN group_id IS NULL THEN 'group_code names no group of this school'
                         WHEN teacher_id IS NULL THEN 'teacher_reference names no teacher of this school'
                         ELSE 'mode differs from other rows of the same lesson (same group, teacher and times)' END AS message
       FROM lesson_import_rows WHERE lesson_id IS NULL ORDER BY line LIMIT ${MAX_REPORTED_ERRORS}`,
    );
    return { rejected: count, errors };
  }

  /** Hash, ciphertext and last 4 of a BSN, remembered for the learners a file repeats. */
  private protect(bsn: string): ProtectedBsn {
    let protectedBsn = this.protectedBsns.get(bsn);
    if (!protectedBsn) {
      if (this.protectedBsns.size >= BSN_CACHE_SIZE) this.protectedBsns.clear();
      protectedBsn = this.crypto.protect(bsn);
      this.protectedBsns.set(bsn, protectedBsn);
    }
    return protectedBsn;
  }
}
