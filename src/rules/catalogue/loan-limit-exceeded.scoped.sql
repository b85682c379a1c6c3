-- LOAN_LIMIT_EXCEEDED: a scoped run. First the candidates ($1 marked school ids uuid[], $2 marked learner ids uuid[]),
-- which the check engine puts in check_scope; then the fired statement limited to them.
-- Rendered from loan-limit-exceeded.rule.ts by `npm run rules:sql`; do not edit.

-- candidates
SELECT l.id, NULL::uuid FROM learners l WHERE l.id = ANY($2::uuid[])
    UNION SELECT p.learner_id, NULL::uuid FROM duo_payments p JOIN schools s ON s.kvk_number = p.school_kvk WHERE s.id = ANY($1::uuid[]);

-- fired
WITH over_limit AS (
        SELECT ln.id AS learner_id, ln.loan_limit_cents
        FROM duo_payments p JOIN learners ln ON ln.id = p.learner_id
        WHERE p.learner_id IN (SELECT subject_id FROM check_scope WHERE rule_code = 'LOAN_LIMIT_EXCEEDED') AND ln.loan_limit_cents IS NOT NULL
        GROUP BY ln.id HAVING sum(p.amount_cents) > ln.loan_limit_cents)
      SELECT p.learner_id, NULL::uuid, NULL::date, NULL::date, $2::text,
        format('DUO paid %s for this learner in total (%s payment(s), %s..%s), above the loan limit of %s.',
          'EUR ' || to_char((sum(p.amount_cents)) / 100.0, 'FM999,999,990.00'), count(*), to_char(min(p.paid_on), 'YYYY-MM-DD'), to_char(max(p.paid_on), 'YYYY-MM-DD'), 'EUR ' || to_char((o.loan_limit_cents) / 100.0, 'FM999,999,990.00')),
        jsonb_build_object(
          'records', jsonb_agg(jsonb_build_object('type', 'DUO_PAYMENT', 'id', p.id, 'schoolId', s.id, 'amountCents', p.amount_cents, 'paidOn', p.paid_on) ORDER BY p.paid_on, p.id),
          'paidCents', sum(p.amount_cents), 'loanLimitCents', o.loan_limit_cents, 'payments', count(*))
      FROM over_limit o
      JOIN duo_payments p ON p.learner_id = o.learner_id
      LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      GROUP BY p.learner_id, o.loan_limit_cents;
