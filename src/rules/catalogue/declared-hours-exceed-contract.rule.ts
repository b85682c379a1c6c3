import { defineRule, hoursValue, parameter } from './rule-definition';
import { day, DECLARATION, hours, periodRecordCandidates, record, REGISTERED } from './shared-sql';

export const declaredHoursExceedContract = defineRule({
  code: 'DECLARED_HOURS_EXCEED_CONTRACT',
  subjectType: 'HOURS_DECLARATION',
  description:
    "Declared hours exceed the contracted hours of the school's contracts with the learner overlapping the period (plus toleranceHours).",
  defaultSeverity: 'MEDIUM',
  parameters: {
    toleranceHours: parameter(hoursValue, 0),
  },
  candidates: periodRecordCandidates(DECLARATION),
  fired: ({ inScope }) => `
      SELECT d.id, d.school_id, d.period_start, d.period_end, $2::text,
        format('Declared %s h for %s..%s; this school''s contracts with the learner overlapping that period contract %s h (%s).',
          ${hours('d.hours')}, ${day('d.period_start')}, ${day('d.period_end')}, ${hours('c.hours')},
          CASE WHEN c.n = 0 THEN 'no contract' ELSE format('%s contract(s): %s', c.n, c.refs) END),
        jsonb_build_object('records', jsonb_build_array(${record('HOURS_DECLARATION', 'd.id', 'd.school_id')}) || c.records,
          'declaredHours', d.hours, 'contractedHours', c.hours, 'toleranceHours', ($1::jsonb->>'toleranceHours')::numeric)
      FROM hours_declarations d
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, coalesce(sum(c.hours), 0) AS hours,
               string_agg(format('%s %s..%s, %s h', c.reference, ${day('c.start_date')}, ${day('c.end_date')}, ${hours('c.hours')}), '; ' ORDER BY c.start_date, c.reference) AS refs,
               coalesce(jsonb_agg(${record('CONTRACT', 'c.id', 'c.school_id', "'reference', c.reference, 'hours', c.hours")} ORDER BY c.start_date, c.reference), '[]') AS records
        FROM contracts c
        WHERE c.learner_id = d.learner_id AND c.school_id = d.school_id
          AND c.start_date <= d.period_end AND c.end_date >= d.period_start) c
      WHERE ${inScope('d.id')} AND ${REGISTERED('d')} AND d.hours > c.hours + ($1::jsonb->>'toleranceHours')::numeric`,
});
