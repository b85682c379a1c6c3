import { defineRule, number, parameter } from './rule-definition';
import { atMostMedium, DECLARATION, knownAtDuo, periodRecordCandidates, record } from './shared-sql';

/**
 * Severity by the school's contracts with the learner overlapping the period (DOMAIN.md "Contracts known at
 * DUO"): none, the configured severity (HIGH); a DUO_LOAN one, a loan course DUO does not know, at most MEDIUM;
 * all SELF or MUNICIPALITY, which DUO cannot know, LOW.
 */
export const declarationWithoutDuoContract = defineRule({
  code: 'DECLARATION_WITHOUT_DUO_CONTRACT',
  subjectType: 'HOURS_DECLARATION',
  description:
    'No DUO contract record overlapping the period and no DUO payment names the same learner and school. The configured severity applies when the school registered no contract with the learner overlapping the period; with a DUO_LOAN one it is at most MEDIUM; when all are SELF or MUNICIPALITY funded, LOW. confirmationDays: days a school has to answer a confirmation request.',
  defaultSeverity: 'HIGH',
  parameters: {
    confirmationDays: parameter(number(1, 365, true), 28),
  },
  candidates: periodRecordCandidates(DECLARATION),
  fired: ({ inScope }) => `
      SELECT d.id, d.school_id, d.period_start, d.period_end,
        CASE WHEN c.n = 0 THEN $2::text WHEN c.loans > 0 THEN ${atMostMedium} ELSE 'LOW' END,
        CASE WHEN c.n = 0
          THEN 'DUO has no contract record overlapping the declared period and no payment for this learner to this school, so no contract is known at DUO; the school registered no contract with the learner for that period either.'
          ELSE format('DUO has no contract record overlapping the declared period and no payment for this learner to this school, so no contract is known at DUO; the school registered %s contract(s) with the learner overlapping that period (%s)%s.',
            c.n, c.refs,
            CASE WHEN c.loans = 0 THEN ', none paid from a DUO loan, which DUO cannot know, so the severity is LOW' ELSE '' END)
        END,
        jsonb_build_object('records', jsonb_build_array(${record('HOURS_DECLARATION', 'd.id', 'd.school_id')}) || c.records,
          'duoPayments', 0, 'duoContracts', 0, 'schoolContracts', c.n, 'duoLoanContracts', c.loans)
      FROM hours_declarations d
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, count(*) FILTER (WHERE c.funding = 'DUO_LOAN') AS loans,
               string_agg(format('%s %s', c.reference, c.funding), ', ' ORDER BY c.start_date, c.reference) AS refs,
               coalesce(jsonb_agg(${record('CONTRACT', 'c.id', 'c.school_id', "'reference', c.reference, 'funding', c.funding")} ORDER BY c.start_date, c.reference), '[]') AS records
        FROM contracts c
        WHERE c.learner_id = d.learner_id AND c.school_id = d.school_id
          AND c.start_date <= d.period_end AND c.end_date >= d.period_start) c
      WHERE ${inScope('d.id')}
        AND NOT ${knownAtDuo('d')}`,
});
