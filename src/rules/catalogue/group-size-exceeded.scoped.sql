-- GROUP_SIZE_EXCEEDED: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from group-size-exceeded.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT l.id, l.school_id FROM lessons l WHERE l.school_id = ANY($1::uuid[])
  UNION SELECT a.lesson_id, a.school_id FROM lesson_attendees a WHERE a.learner_id = ANY($2::uuid[]);

-- fired
SELECT l.id, l.school_id, l.lesson_date, l.lesson_date,
        CASE WHEN m.lenient THEN 'LOW' ELSE $2::text END,
        format('The lesson of %s in group %s (route %s) had %s attendees; the group''s maximum is %s (%s, route maximum %s)%s.',
          format('%s %s-%s', to_char(l.lesson_date, 'YYYY-MM-DD'), to_char(l.starts_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI'), to_char(l.ends_at AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI')), g.code, g.route, n.attendees, m.maximum,
          CASE WHEN g.max_size IS NULL THEN 'no own maximum' ELSE format('own maximum %s', g.max_size) END, m.route_max,
          CASE WHEN m.lenient THEN '; GROUP_SIZE_LENIENCY applies on that date, so the severity is LOW' ELSE '' END),
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'LESSON', 'id', l.id, 'schoolId', l.school_id),
            jsonb_build_object('type', 'GROUP', 'id', g.id, 'schoolId', g.school_id, 'code', g.code)),
          'attendees', n.attendees, 'maximum', m.maximum, 'groupMaxSize', g.max_size, 'routeMaximum', m.route_max,
          'groupSizeLeniency', m.lenient)
      FROM lessons l
      JOIN groups g ON g.id = l.group_id
      -- kept by the database as attendance is written (migration 1764860000000)
      JOIN lesson_attendee_counts n ON n.lesson_id = l.id
      CROSS JOIN LATERAL (
        SELECT r.route_max, least(coalesce(g.max_size, r.route_max), r.route_max) AS maximum,
               EXISTS (SELECT 1 FROM measures m WHERE m.school_id = l.school_id AND m.kind = 'GROUP_SIZE_LENIENCY'
           AND l.lesson_date BETWEEN m.valid_from AND m.valid_to) AS lenient
        FROM (SELECT ($1::jsonb->'routeMaxima'->>g.route)::int AS route_max) r) m
      WHERE l.id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'GROUP_SIZE_EXCEEDED') AND n.attendees > m.maximum;
