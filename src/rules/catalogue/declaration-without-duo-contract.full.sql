-- DECLARATION_WITHOUT_DUO_CONTRACT: the fired statement of a full run ($1 parameters jsonb, $2 configured severity).
-- Rendered from declaration-without-duo-contract.rule.ts by `npm run rules:sql`; do not edit.
SELECT d.id, d.school_id, d.period_start, d.period_end,
        CASE WHEN c.n = 0 THEN $2::text WHEN c.loans > 0 THEN CASE WHEN $2 = 'HIGH' THEN 'MEDIUM' ELSE $2 END ELSE 'LOW' END,
        CASE WHEN c.n = 0
          THEN 'DUO has no contract record overlapping the declared period and no payment for this learner to this school, so no contract is known at DUO; the school registered no contract with the learner for that period either.'
          ELSE format('DUO has no contract record overlapping the declared period and no payment for this learner to this school, so no contract is known at DUO; the school registered %s contract(s) with the learner overlapping that period (%s)%s.',
            c.n, c.refs,
            CASE WHEN c.loans = 0 THEN ', none paid from a DUO loan, which DUO cannot know, so the severity is LOW' ELSE '' END)
        END,
        jsonb_build_object('records', jsonb_build_array(jsonb_build_object('type', 'HOURS_DECLARATION', 'id', d.id, 'schoolId', d.school_id)) || c.records,
          'duoPayments', 0, 'duoContracts', 0, 'schoolContracts', c.n, 'duoLoanContracts', c.loans)
      FROM hours_declarations d
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, count(*) FILTER (WHERE c.funding = 'DUO_LOAN') AS loans,
               string_agg(format('%s %s', c.reference, c.funding), ', ' ORDER BY c.start_date, c.reference) AS refs,
               coalesce(jsonb_agg(jsonb_build_object('type', 'CONTRACT', 'id', c.id, 'schoolId', c.school_id, 'reference', c.reference, 'funding', c.funding) ORDER BY c.start_date, c.reference), '[]') AS records
        FROM contracts c
        WHERE c.learner_id = d.learner_id AND c.school_id = d.school_id
          AND c.start_date <= d.period_end AND c.end_date >= d.period_start) c
      WHERE TRUE
        AND NOT (EXISTS (SELECT 1 FROM duo_contracts dc WHERE dc.learner_id = d.learner_id AND dc.school_kvk = d.school_kvk
              AND dc.start_date <= d.period_end AND dc.end_date >= d.period_start)
    OR EXISTS (SELECT 1 FROM duo_payments p WHERE p.learner_id = d.learner_id AND p.school_kvk = d.school_kvk));
