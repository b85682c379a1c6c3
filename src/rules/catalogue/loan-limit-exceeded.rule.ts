import { defineRule } from './rule-definition';
import { day, euros, learnerCapCandidates, record } from './shared-sql';

export const loanLimitExceeded = defineRule({
  code: 'LOAN_LIMIT_EXCEEDED',
  subjectType: 'LEARNER',
  description: "DUO payments for the learner exceed the learner's loan limit.",
  defaultSeverity: 'HIGH',
  crossSchool: true,
  parameters: {},
  candidates: learnerCapCandidates(),
  // The learners over their limit first, from the sums alone; the evidence only for those.
  fired: ({ inScope }) => `
      WITH over_limit AS (
        SELECT ln.id AS learner_id, ln.loan_limit_cents
        FROM duo_payments p JOIN learners ln ON ln.id = p.learner_id
        WHERE ${inScope('p.learner_id')} AND ln.loan_limit_cents IS NOT NULL
        GROUP BY ln.id HAVING sum(p.amount_cents) > ln.loan_limit_cents)
      SELECT p.learner_id, NULL::uuid, NULL::date, NULL::date, $2::text,
        format('DUO paid %s for this learner in total (%s payment(s), %s..%s), above the loan limit of %s.',
          ${euros('sum(p.amount_cents)')}, count(*), ${day('min(p.paid_on)')}, ${day('max(p.paid_on)')}, ${euros('o.loan_limit_cents')}),
        jsonb_build_object(
          'records', jsonb_agg(${record('DUO_PAYMENT', 'p.id', 's.id', "'amountCents', p.amount_cents, 'paidOn', p.paid_on")} ORDER BY p.paid_on, p.id),
          'paidCents', sum(p.amount_cents), 'loanLimitCents', o.loan_limit_cents, 'payments', count(*))
      FROM over_limit o
      JOIN duo_payments p ON p.learner_id = o.learner_id
      LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      GROUP BY p.learner_id, o.loan_limit_cents`,
});
