import { defineRule } from './rule-definition';
import { clock, keyedRows, lessonCandidates, lessonTimes, overlappingPairs, record } from './shared-sql';

export const learnerDoubleBooked = defineRule({
  code: 'LEARNER_DOUBLE_BOOKED',
  subjectType: 'LESSON',
  description: 'A learner attends two lessons that overlap in time, at any schools.',
  defaultSeverity: 'HIGH',
  parameters: {},
  readsAttendanceExceptions: true,
  candidates: lessonCandidates,
  // The attendance of the learners of the scope's lessons; in a full run, of those with a lesson that starts
  // before their previous one ends (attendance exceptions): the others have no overlap.
  fired: (scope) => `
WITH ${overlappingPairs(
    keyedRows(
      'lesson_attendees',
      't.learner_id, t.lesson_id, t.school_id, t.starts_at, t.ends_at',
      'learner_id',
      scope.all
        ? `SELECT e.learner_id FROM check_attendance e WHERE e.overlaps_previous GROUP BY e.learner_id`
        : `SELECT DISTINCT c.learner_id FROM lesson_attendees c WHERE ${scope.inScope('c.lesson_id')}`,
    ),
    'learner_id',
  )}
      SELECT l.id, l.school_id, l.lesson_date, l.lesson_date, $2::text,
        format('The lesson of %s: %s learner(s) of it also attend an overlapping lesson: %s.',
          ${lessonTimes('l')}, count(DISTINCT p.learner_id),
          concat_ws('; ',
            CASE WHEN bool_or(p.other_school_id = l.school_id) THEN 'at this school on ' || string_agg(DISTINCT
              CASE WHEN p.other_school_id = l.school_id THEN format('%s-%s', ${clock('p.other_starts_at')}, ${clock('p.other_ends_at')}) END, ', ') END,
            CASE WHEN bool_or(p.other_school_id <> l.school_id)
              THEN format('%s lesson(s) at another school', count(DISTINCT p.other_id) FILTER (WHERE p.other_school_id <> l.school_id)) END)),
        jsonb_build_object(
          'records', jsonb_build_array(${record('LESSON', 'l.id', 'l.school_id')})
            || jsonb_agg(DISTINCT ${record('LEARNER', 'p.learner_id', 'l.school_id')})
            || jsonb_agg(DISTINCT ${record('LESSON', 'p.other_id', 'p.other_school_id', "'startsAt', p.other_starts_at, 'endsAt', p.other_ends_at")}),
          'learnersDoubleBooked', count(DISTINCT p.learner_id), 'overlappingLessons', count(DISTINCT p.other_id))
      FROM pairs p JOIN lessons l ON l.id = p.lesson_id
      WHERE ${scope.inScope('p.lesson_id')}
      GROUP BY l.id`,
});
