import { MAX_LESSON_HOURS } from './lesson.entity';

/**
 * Why a lesson's times are refused, or undefined when they are fine: a lesson ends after it starts
 * and lasts at most 8 hours. Shared by POST /lessons and the CSV import.
 */
export function lessonTimesProblem(startsAt: Date, endsAt: Date): string | undefined {
  const ms = endsAt.getTime() - startsAt.getTime();
  if (ms <= 0) return 'a lesson must end after it starts';
  if (ms > MAX_LESSON_HOURS * 3600_000) return `a lesson lasts at most ${MAX_LESSON_HOURS} hours`;
  return undefined;
}

/** SQL: whether an attendee row of a lesson with this mode counts towards hours (REMOTE does not, since 2019). */
export const countsSql = (mode: string): string => `(${mode} <> 'REMOTE')`;
