-- INVOICED_HOURS_EXCEED_ATTENDANCE: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from invoiced-hours-exceed-attendance.rule.ts by `npm run rules:sql`; do not edit.
SELECT x.id, x.school_id, x.period_start, x.period_end, $2::text,
        format('Invoiced %s h for %s..%s; the learner attended %s h of this school''s counting lessons in that period (%s lessons)%s%s.',
          trim_scale(x.hours::numeric)::text, to_char(x.period_start, 'YYYY-MM-DD'), to_char(x.period_end, 'YYYY-MM-DD'), trim_scale(att.hours::numeric)::text, att.lessons,
          CASE WHEN att.remote > 0 THEN format('; %s REMOTE lessons do not count', att.remote) ELSE '' END,
          CASE WHEN ($1::jsonb->>'toleranceHours')::numeric > 0 THEN format('; tolerance %s h', trim_scale(($1::jsonb->>'toleranceHours')::numeric::numeric)::text) ELSE '' END),
        jsonb_build_object(
          'records', jsonb_build_array(jsonb_build_object('type', 'INVOICE', 'id', x.id, 'schoolId', x.school_id), jsonb_build_object('type', 'LEARNER', 'id', x.learner_id, 'schoolId', x.school_id)),
          'invoicedHours', x.hours, 'attendedHours', att.hours, 'lessons', att.lessons,
          'remoteLessons', att.remote, 'toleranceHours', ($1::jsonb->>'toleranceHours')::numeric)
      -- in the learner's order, so that the attendance index is read front to back instead of at random
      FROM (SELECT * FROM invoices x WHERE TRUE AND TRUE ORDER BY x.learner_id, x.period_start OFFSET 0) x
      CROSS JOIN LATERAL (
        SELECT coalesce(round(sum((round(date_part('epoch', a.ends_at - a.starts_at) * 1000000)::bigint + 18000000) / 36000000) FILTER (WHERE a.counts) / 100.0, 2), 0) AS hours,
               count(*) FILTER (WHERE a.counts) AS lessons, count(*) FILTER (WHERE NOT a.counts) AS remote
        FROM lesson_attendees a
        WHERE a.learner_id = x.learner_id AND a.school_id = x.school_id
          AND a.lesson_date BETWEEN x.period_start AND x.period_end
          -- the same days as an index range on starts_at (Amsterdam is at most two hours off UTC)
          AND a.starts_at >= (x.period_start - 1)::timestamptz AND a.starts_at < (x.period_end + 2)::timestamptz) att
      WHERE x.hours > att.hours + ($1::jsonb->>'toleranceHours')::numeric;
