import { defineRule } from './rule-definition';
import { clock, lessonTimes, overlappingPairs, record, rowsOf, teacherLessonCandidates } from './shared-sql';

export const teacherDoubleBooked = defineRule({
  code: 'TEACHER_DOUBLE_BOOKED',
  subjectType: 'LESSON',
  description: 'A teacher teaches two lessons that overlap in time.',
  defaultSeverity: 'HIGH',
  parameters: {},
  candidates: teacherLessonCandidates,
  fired: (scope) => `
      WITH ${overlappingPairs(
        rowsOf(
          scope,
          'lessons',
          't.teacher_id, t.id AS lesson_id, t.school_id, t.starts_at, t.ends_at, t.lesson_date',
          'teacher_id',
          (scoped) => `SELECT DISTINCT c.teacher_id FROM lessons c WHERE ${scoped('c.id')}`,
        ),
        'teacher_id',
        ['lesson_date', 'starts_at', 'ends_at'],
      )}
      SELECT p.lesson_id, p.school_id, p.lesson_date, p.lesson_date, $2::text,
        format('Teacher %s teaches the lesson of %s and %s overlapping lesson(s) at the same time: %s.',
          t.reference, ${lessonTimes('p')}, count(DISTINCT p.other_id),
          string_agg(format('%s-%s', ${clock('p.other_starts_at')}, ${clock('p.other_ends_at')}), ', ' ORDER BY p.other_starts_at, p.other_id)),
        jsonb_build_object(
          'records', jsonb_build_array(${record('LESSON', 'p.lesson_id', 'p.school_id')}, ${record('TEACHER', 't.id', 't.school_id', "'reference', t.reference")})
            || jsonb_agg(${record('LESSON', 'p.other_id', 'p.other_school_id', "'startsAt', p.other_starts_at, 'endsAt', p.other_ends_at")} ORDER BY p.other_starts_at, p.other_id),
          'overlappingLessons', count(DISTINCT p.other_id))
      -- the lesson's own columns come with the pair, rather than from a join back to every lesson
      FROM pairs p JOIN teachers t ON t.id = p.teacher_id
      WHERE ${scope.inScope('p.lesson_id')}
      GROUP BY p.lesson_id, p.school_id, p.lesson_date, p.starts_at, p.ends_at, t.id`,
});
