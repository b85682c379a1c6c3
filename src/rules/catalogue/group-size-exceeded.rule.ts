import { defineRule, parameter, routeMaxima } from './rule-definition';
import { lessonCandidates, lessonTimes, record, validMeasure } from './shared-sql';

export const groupSizeExceeded = defineRule({
  code: 'GROUP_SIZE_EXCEEDED',
  subjectType: 'LESSON',
  description:
    "A lesson's attendees exceed the group's maximum: its own maxSize capped by the route maximum (LOW under GROUP_SIZE_LENIENCY).",
  defaultSeverity: 'MEDIUM',
  parameters: {
    // DOMAIN.md: 16 per route, 12 for ALFA (the official figures live in the yearly Handleiding); a route the
    // auditor's routeMaxima leaves out keeps its default.
    routeMaxima: parameter(routeMaxima, { B1: 16, Z: 16, ALFA: 12, ONDERWIJS: 16, WI2013: 16 }),
  },
  candidates: lessonCandidates,
  fired: ({ inScope }) => `
      SELECT l.id, l.school_id, l.lesson_date, l.lesson_date,
        CASE WHEN m.lenient THEN 'LOW' ELSE $2::text END,
        format('The lesson of %s in group %s (route %s) had %s attendees; the group''s maximum is %s (%s, route maximum %s)%s.',
          ${lessonTimes('l')}, g.code, g.route, n.attendees, m.maximum,
          CASE WHEN g.max_size IS NULL THEN 'no own maximum' ELSE format('own maximum %s', g.max_size) END, m.route_max,
          CASE WHEN m.lenient THEN '; GROUP_SIZE_LENIENCY applies on that date, so the severity is LOW' ELSE '' END),
        jsonb_build_object('records', jsonb_build_array(${record('LESSON', 'l.id', 'l.school_id')},
            ${record('GROUP', 'g.id', 'g.school_id', "'code', g.code")}),
          'attendees', n.attendees, 'maximum', m.maximum, 'groupMaxSize', g.max_size, 'routeMaximum', m.route_max,
          'groupSizeLeniency', m.lenient)
      FROM lessons l
      JOIN groups g ON g.id = l.group_id
      -- kept by the database as attendance is written (migration 1764860000000)
      JOIN lesson_attendee_counts n ON n.lesson_id = l.id
      CROSS JOIN LATERAL (
        SELECT r.route_max, least(coalesce(g.max_size, r.route_max), r.route_max) AS maximum,
               ${validMeasure('GROUP_SIZE_LENIENCY', 'l.school_id', 'l.lesson_date')} AS lenient
        FROM (SELECT ($1::jsonb->'routeMaxima'->>g.route)::int AS route_max) r) m
      WHERE ${inScope('l.id')} AND n.attendees > m.maximum`,
});
