import { centsValue, defineRule, parameter } from './rule-definition';
import { day, euros, learnerCapCandidates, record } from './shared-sql';

export const quarterlyCapExceeded = defineRule({
  code: 'QUARTERLY_CAP_EXCEEDED',
  subjectType: 'LEARNER',
  description: 'DUO payments for the learner in a calendar quarter, over all schools, exceed capCents.',
  defaultSeverity: 'MEDIUM',
  crossSchool: true,
  parameters: {
    capCents: parameter(centsValue, 200_000),
  },
  candidates: learnerCapCandidates(),
  // The quarters over the cap first, from the sums alone; the evidence only for those.
  fired: ({ inScope }) => `
      WITH over_cap AS (
        SELECT p.learner_id, date_trunc('quarter', p.paid_on)::date AS quarter FROM duo_payments p
        WHERE ${inScope('p.learner_id')}
        GROUP BY 1, 2 HAVING sum(p.amount_cents) > ($1::jsonb->>'capCents')::bigint)
      SELECT p.learner_id, NULL::uuid, q.quarter::date, (q.quarter + interval '3 months - 1 day')::date, $2::text,
        format('DUO paid %s for this learner in %s Q%s (%s..%s) in %s payment(s) to %s school(s), above the cap of %s per quarter.',
          ${euros('sum(p.amount_cents)')}, extract(year FROM q.quarter), extract(quarter FROM q.quarter),
          ${day('q.quarter')}, ${day("q.quarter + interval '3 months - 1 day'")}, count(*), count(DISTINCT p.school_kvk),
          ${euros(`($1::jsonb->>'capCents')::bigint`)}),
        jsonb_build_object(
          'records', jsonb_agg(${record('DUO_PAYMENT', 'p.id', 's.id', "'amountCents', p.amount_cents, 'paidOn', p.paid_on")} ORDER BY p.paid_on, p.id),
          'paidCents', sum(p.amount_cents), 'capCents', ($1::jsonb->>'capCents')::bigint, 'payments', count(*))
      FROM over_cap q
      JOIN duo_payments p ON p.learner_id = q.learner_id AND date_trunc('quarter', p.paid_on)::date = q.quarter
      LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      GROUP BY p.learner_id, q.quarter`,
});
