-- QUARTERLY_CAP_EXCEEDED: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from quarterly-cap-exceeded.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT l.id, NULL::uuid FROM learners l WHERE l.id = ANY($2::uuid[])
    UNION SELECT p.learner_id, NULL::uuid FROM duo_payments p JOIN schools s ON s.kvk_number = p.school_kvk WHERE s.id = ANY($1::uuid[]);

-- fired
WITH over_cap AS (
        SELECT p.learner_id, date_trunc('quarter', p.paid_on)::date AS quarter FROM duo_payments p
        WHERE p.learner_id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'QUARTERLY_CAP_EXCEEDED')
        GROUP BY 1, 2 HAVING sum(p.amount_cents) > ($1::jsonb->>'capCents')::bigint)
      SELECT p.learner_id, NULL::uuid, q.quarter::date, (q.quarter + interval '3 months - 1 day')::date, $2::text,
        format('DUO paid %s for this learner in %s Q%s (%s..%s) in %s payment(s) to %s school(s), above the cap of %s per quarter.',
          'EUR ' || to_char((sum(p.amount_cents)) / 100.0, 'FM999,999,990.00'), extract(year FROM q.quarter), extract(quarter FROM q.quarter),
          to_char(q.quarter, 'YYYY-MM-DD'), to_char(q.quarter + interval '3 months - 1 day', 'YYYY-MM-DD'), count(*), count(DISTINCT p.school_kvk),
          'EUR ' || to_char((($1::jsonb->>'capCents')::bigint) / 100.0, 'FM999,999,990.00')),
        jsonb_build_object(
          'records', jsonb_agg(jsonb_build_object('type', 'DUO_PAYMENT', 'id', p.id, 'schoolId', s.id, 'amountCents', p.amount_cents, 'paidOn', p.paid_on) ORDER BY p.paid_on, p.id),
          'paidCents', sum(p.amount_cents), 'capCents', ($1::jsonb->>'capCents')::bigint, 'payments', count(*))
      FROM over_cap q
      JOIN duo_payments p ON p.learner_id = q.learner_id AND date_trunc('quarter', p.paid_on)::date = q.quarter
      LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      GROUP BY p.learner_id, q.quarter;
