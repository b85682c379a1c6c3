import { defineRule } from './rule-definition';
import { day, DECLARATION, hours, periodRecordCandidates, record, REGISTERED } from './shared-sql';

/**
 * A declaration DUO entered as the learner presented it, for which the school's register holds no declaration of
 * the learner with the same purpose, period, hours and issue date (should the school file one later, it withdraws).
 */
export const presentedDeclarationNotRegistered = defineRule({
  code: 'PRESENTED_DECLARATION_NOT_REGISTERED',
  subjectType: 'HOURS_DECLARATION',
  description:
    "A declaration the learner presented to DUO (source PRESENTED) is not in its school's register: no registered declaration of the learner has the same purpose, period, hours and issue date.",
  defaultSeverity: 'HIGH',
  parameters: {},
  candidates: periodRecordCandidates(DECLARATION),
  fired: ({ inScope }) => `
      SELECT d.id, d.school_id, d.period_start, d.period_end, $2::text,
        format('The learner presented to DUO a declaration in the name of %s: %s, %s..%s, %s h, issued on %s. No declaration in the school''s register matches it (same learner, purpose, period, hours and issue date)%s.',
          CASE WHEN s.id IS NULL THEN format('KvK %s, which is no registered school', d.school_kvk)
               ELSE format('%s (KvK %s)', s.name, d.school_kvk) END,
          d.purpose, ${day('d.period_start')}, ${day('d.period_end')}, ${hours('d.hours')}, ${day('d.issued_on')},
          CASE WHEN r.n > 0 THEN format('; the register holds %s other declaration(s) of this learner', r.n) ELSE '' END),
        jsonb_build_object('records', jsonb_build_array(${record('HOURS_DECLARATION', 'd.id', 'd.school_id')}),
          'schoolKvk', d.school_kvk, 'schoolName', s.name, 'registeredSchool', s.id IS NOT NULL,
          'purpose', d.purpose, 'periodStart', d.period_start, 'periodEnd', d.period_end, 'hours', d.hours,
          'issuedOn', d.issued_on, 'registeredMatches', 0, 'registeredDeclarationsOfLearner', r.n)
      FROM hours_declarations d
      LEFT JOIN schools s ON s.id = d.school_id
      CROSS JOIN LATERAL (
        SELECT count(*) AS n FROM hours_declarations h
        WHERE h.learner_id = d.learner_id AND h.school_kvk = d.school_kvk AND ${REGISTERED('h')}) r
      WHERE ${inScope('d.id')} AND d.source = 'PRESENTED'
        AND NOT EXISTS (
          SELECT 1 FROM hours_declarations h
          WHERE h.learner_id = d.learner_id AND h.school_kvk = d.school_kvk AND ${REGISTERED('h')}
            AND h.purpose = d.purpose AND h.period_start = d.period_start AND h.period_end = d.period_end
            AND h.hours = d.hours AND h.issued_on = d.issued_on)`,
});
