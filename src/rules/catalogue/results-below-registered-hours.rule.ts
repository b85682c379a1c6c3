import { defineRule, examLevel, hoursValue, number, parameter } from './rule-definition';
import {
  day,
  DECLARATION,
  EXAM_COMPONENT_LIST,
  examLevelRank,
  hours,
  periodRecordCandidates,
  record,
  REGISTERED,
} from './shared-sql';

export const resultsBelowRegisteredHours = defineRule({
  code: 'RESULTS_BELOW_REGISTERED_HOURS',
  subjectType: 'HOURS_DECLARATION',
  description:
    "A declaration of at least minimumHours hours, and the learner's latest exam result per component dated within windowMonths after its period end is below expectedLevel on at least minimumComponents of the four components.",
  defaultSeverity: 'MEDIUM',
  parameters: {
    minimumHours: parameter(hoursValue, 400),
    windowMonths: parameter(number(1, 120, true), 6),
    expectedLevel: parameter(examLevel, 'A2'),
    minimumComponents: parameter(number(1, 4, true), 3),
  },
  candidates: periodRecordCandidates(DECLARATION),
  // The window runs from the day after the period to windowMonths later (month ends clamp, as in Postgres);
  // per component the latest result in it counts, found through exam_results_row_key.
  fired: ({ inScope }) => `
      WITH p AS (
        SELECT ($1::jsonb->>'minimumHours')::numeric AS minimum_hours, ($1::jsonb->>'windowMonths')::int AS months,
               $1::jsonb->>'expectedLevel' AS expected, ($1::jsonb->>'minimumComponents')::int AS minimum_components)
      SELECT d.id, d.school_id, d.period_start, d.period_end, $2::text,
        format('Declared %s h for %s..%s (the rule looks at declarations of at least %s h). The learner''s latest exam result per component dated %s..%s (within %s months after the period): %s. That is below %s on %s of the 4 components; %s or more flag it.',
          ${hours('d.hours')}, ${day('d.period_start')}, ${day('d.period_end')}, ${hours('p.minimum_hours')},
          ${day('w.from_day')}, ${day('w.to_day')}, p.months, r.listing, p.expected, r.below, p.minimum_components),
        jsonb_build_object(
          'records', jsonb_build_array(${record('HOURS_DECLARATION', 'd.id', 'd.school_id')}, ${record('LEARNER', 'd.learner_id', 'd.school_id')}) || r.records,
          'declaredHours', d.hours, 'periodStart', d.period_start, 'periodEnd', d.period_end,
          'minimumHours', p.minimum_hours, 'expectedLevel', p.expected, 'windowMonths', p.months,
          'windowFrom', w.from_day, 'windowTo', w.to_day, 'componentsBelow', r.below, 'minimumComponents', p.minimum_components)
      FROM hours_declarations d
      CROSS JOIN p
      CROSS JOIN LATERAL (
        SELECT d.period_end + 1 AS from_day, (d.period_end + make_interval(months => p.months))::date AS to_day) w
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE ${examLevelRank('e.level')} < ${examLevelRank('p.expected')}) AS below,
               string_agg(CASE WHEN e.id IS NULL THEN format('%s no result', c.component)
                               ELSE format('%s %s on %s', c.component, e.level, ${day('e.exam_date')}) END, ', ' ORDER BY c.n) AS listing,
               coalesce(jsonb_agg(${record('EXAM_RESULT', 'e.id', 'd.school_id', "'component', e.component, 'level', e.level, 'examDate', e.exam_date")}
                                  ORDER BY c.n) FILTER (WHERE e.id IS NOT NULL), '[]') AS records
        FROM unnest(${EXAM_COMPONENT_LIST}) WITH ORDINALITY c(component, n)
        LEFT JOIN LATERAL (
          SELECT e.id, e.component, e.level, e.exam_date FROM exam_results e
          WHERE e.learner_id = d.learner_id AND e.component = c.component AND e.exam_date BETWEEN w.from_day AND w.to_day
          ORDER BY e.exam_date DESC LIMIT 1) e ON TRUE) r
      WHERE ${inScope('d.id')} AND ${REGISTERED('d')}
        AND d.hours >= p.minimum_hours AND r.below >= p.minimum_components`,
});
