import { NotFoundProblem } from '../errors/problems';
import { Actor } from './actor';

/**
 * The one place that decides which school's records a caller may see (Immich `requireAccess`).
 * A SCHOOL user is bound to its own school whatever it asks for; others may filter by schoolId.
 */
export function schoolScope(actor: Actor, requestedSchoolId?: string): string | undefined {
  return actor.role === 'SCHOOL' ? (actor.schoolId as string) : requestedSchoolId;
}

/** Throws 404 (never 403: a school must not learn another school's record exists) unless the actor may see it. */
export function requireVisible<T extends { schoolId: string | null }>(
  actor: Actor,
  record: T | null | undefined,
  what: string,
): T {
  if (!record || (actor.role === 'SCHOOL' && record.schoolId !== actor.schoolId))
    throw new NotFoundProblem(what);
  return record;
}

/** The school a SCHOOL user's new records belong to. */
export function owningSchool(actor: Actor): string {
  if (actor.role !== 'SCHOOL' || !actor.schoolId)
    throw new Error('owningSchool called for a non-school actor');
  return actor.schoolId;
}
