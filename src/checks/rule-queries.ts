import { EXAM_COMPONENTS } from '../duo/exam-levels';
import { countingTeacher, examLevelRank, knownAtDuo, validMeasure } from '../rules/domain-sql';
import { RuleCode } from '../rules/rule-catalogue';

/**
 * The eighteen rules of DOMAIN.md as set-based SQL, one statement each.
 *
 * Every rule is two queries:
 *  - `candidates`: the subjects ((subject id, school id) pairs) a scope of marked schools ($1 uuid[]) and
 *    learners ($2 uuid[]) can affect. Evaluated only for scoped runs; a full run evaluates everything.
 *  - `fired`: the flags the rule raises, as rows (subject_id, school_id, period_from, period_to, severity,
 *    explanation, evidence). `$1` is the rule's parameters (jsonb), `$2` its configured severity. The
 *    placeholder `inScope(subject, school)` limits it to the candidates (or to everything).
 *
 * Explanations name the numbers and only the subject's own school ("a lesson at another school");
 * evidence records carry the schoolId of the record they name, so a school's view can be redacted.
 */
export interface RuleQuery {
  candidates: string;
  fired(inScope: InScope): string;
}

/**
 * SQL that is true when the subject is in the run's scope. `school` only for subjects that are checked per
 * school (a learner's attendance at each school): for every other subject the school follows from it.
 */
export type InScope = (subject: string, school?: string) => string;

/** A full run checks everything: no restriction at all (rather than a semi-join over the whole table). */
const everything: InScope = () => 'TRUE';
const isEverything = (inScope: InScope): boolean => inScope('x') === everything('x');
const restrict = (inScope: InScope, expr: string, subquery: (inScope: InScope) => string): string =>
  isEverything(inScope) ? 'TRUE' : `${expr} IN (${subquery(inScope)})`;
/**
 * All rows of `table` (a full run), or those of the keys `keys` selects, fetched key by key through the index
 * on `key` (a lateral join, OFFSET 0 keeping it one: the planner would rather merge with the whole index than
 * probe it a few hundred times).
 */
const rowsOf = (
  inScope: InScope,
  table: string,
  columns: string,
  key: string,
  keys: (inScope: InScope) => string,
): string =>
  isEverything(inScope)
    ? `SELECT ${columns} FROM ${table} t`
    : `SELECT r.* FROM (${keys(inScope)}) k(key) CROSS JOIN LATERAL (SELECT ${columns} FROM ${table} t WHERE t.${key} = k.key OFFSET 0) r`;

/** The school key of subjects that belong to no school (PAYMENT_WITHOUT_INVOICE of an unknown KvK, learner caps). */
export const NO_SCHOOL = '00000000-0000-0000-0000-000000000000';

const day = (expr: string): string => `to_char(${expr}, 'YYYY-MM-DD')`;
const hours = (expr: string): string => `trim_scale(${expr}::numeric)::text`;
const euros = (cents: string): string => `'EUR ' || to_char((${cents}) / 100.0, 'FM999,999,990.00')`;
const clock = (instant: string): string => `to_char(${instant} AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI')`;
const attendedHours = `round(extract(epoch FROM a.ends_at - a.starts_at) / 3600, 2)`;
/** The configured severity, lowered to MEDIUM (never raised) for the MEDIUM variant of a rule. */
const atMostMedium = `CASE WHEN $2 = 'HIGH' THEN 'MEDIUM' ELSE $2 END`;
const record = (type: string, id: string, schoolId: string, extra = ''): string =>
  `jsonb_build_object('type', '${type}', 'id', ${id}, 'schoolId', ${schoolId}${extra ? `, ${extra}` : ''})`;
/**
 * A declaration in its school's register (source SCHOOL). The rules that measure a school's declaring against its
 * own records (attendance, contracted hours, keurmerk) judge only these: a presented declaration is not the
 * school's until it confirms issuing it, which is the question DOMAIN.md's step 3 puts to it
 * (PRESENTED_DECLARATION_NOT_REGISTERED flags it meanwhile). DECLARATION_WITHOUT_DUO_CONTRACT, about DUO's own
 * records, judges every declaration.
 */
const REGISTERED = (d: string): string => `${d}.source = 'SCHOOL'`;

/** Hours declarations and invoices are checked alike for attendance and keurmerk: both have a school, learner and period. */
interface PeriodRecord {
  table: 'hours_declarations' | 'invoices';
  type: 'HOURS_DECLARATION' | 'INVOICE';
  verb: 'Declared' | 'Invoiced';
  period: 'declared period' | 'invoice period';
  /** Which of its rows (alias x) the rules that judge the school's own filing look at. */
  filed: string;
}
const DECLARATION: PeriodRecord = {
  table: 'hours_declarations',
  type: 'HOURS_DECLARATION',
  verb: 'Declared',
  period: 'declared period',
  filed: REGISTERED('x'),
};
const INVOICE: PeriodRecord = {
  table: 'invoices',
  type: 'INVOICE',
  verb: 'Invoiced',
  period: 'invoice period',
  filed: 'TRUE',
};

const periodRecordCandidates = (r: PeriodRecord): string =>
  `SELECT x.id, x.school_id FROM ${r.table} x WHERE x.school_id = ANY($1::uuid[]) OR x.learner_id = ANY($2::uuid[])`;

/** Hours above the learner's attended hours at the school's counting (not REMOTE) lessons dated in the period. */
function hoursExceedAttendance(r: PeriodRecord): RuleQuery {
  return {
    candidates: periodRecordCandidates(r),
    fired: (inScope) => `
      SELECT x.id, x.school_id, x.period_start, x.period_end, $2::text,
        format('${r.verb} %s h for %s..%s; the learner attended %s h of this school''s counting lessons in that period (%s lessons)%s%s.',
          ${hours('x.hours')}, ${day('x.period_start')}, ${day('x.period_end')}, ${hours('att.hours')}, att.lessons,
          CASE WHEN att.remote > 0 THEN format('; %s REMOTE lessons do not count', att.remote) ELSE '' END,
          CASE WHEN ($1::jsonb->>'toleranceHours')::numeric > 0 THEN format('; tolerance %s h', ${hours(`($1::jsonb->>'toleranceHours')::numeric`)}) ELSE '' END),
        jsonb_build_object(
          'records', jsonb_build_array(${record(r.type, 'x.id', 'x.school_id')}, ${record('LEARNER', 'x.learner_id', 'x.school_id')}),
          '${r.verb.toLowerCase()}Hours', x.hours, 'attendedHours', att.hours, 'lessons', att.lessons,
          'remoteLessons', att.remote, 'toleranceHours', ($1::jsonb->>'toleranceHours')::numeric)
      FROM ${r.table} x
      CROSS JOIN LATERAL (
        SELECT coalesce(sum(${attendedHours}) FILTER (WHERE a.counts), 0) AS hours,
               count(*) FILTER (WHERE a.counts) AS lessons, count(*) FILTER (WHERE NOT a.counts) AS remote
        FROM lesson_attendees a
        WHERE a.learner_id = x.learner_id AND a.school_id = x.school_id
          AND a.lesson_date BETWEEN x.period_start AND x.period_end
          -- the same days as an index range on starts_at (Amsterdam is at most two hours off UTC)
          AND a.starts_at >= (x.period_start - 1)::timestamptz AND a.starts_at < (x.period_end + 2)::timestamptz) att
      WHERE ${inScope('x.id')} AND ${r.filed} AND x.hours > att.hours + ($1::jsonb->>'toleranceHours')::numeric`,
  };
}

/** Some day of the period on which the school held no valid keurmerk (keurmerk_invalid_ranges). */
function outsideKeurmerk(r: PeriodRecord): RuleQuery {
  return {
    candidates: periodRecordCandidates(r),
    fired: (inScope) => `
      SELECT x.id, x.school_id, x.period_start, x.period_end, $2::text,
        format('The ${r.period} %s..%s includes %s day(s) on which the school held no valid keurmerk: %s.',
          ${day('x.period_start')}, ${day('x.period_end')}, k.days, k.ranges_text),
        jsonb_build_object('records', jsonb_build_array(${record(r.type, 'x.id', 'x.school_id')}),
          'invalidDays', k.days, 'invalidRanges', k.ranges)
      FROM ${r.table} x
      CROSS JOIN LATERAL (
        SELECT sum(k.to_date - k.from_date + 1) AS days,
               jsonb_agg(jsonb_build_object('status', k.status, 'from', k.from_date, 'to', k.to_date) ORDER BY k.from_date) AS ranges,
               string_agg(format('%s..%s (%s)', ${day('k.from_date')}, ${day('k.to_date')},
                 CASE k.status WHEN 'NONE' THEN 'no keurmerk yet' ELSE k.status END), ', ' ORDER BY k.from_date) AS ranges_text
        FROM keurmerk_invalid_ranges(x.school_id, x.period_start, x.period_end) k) k
      WHERE ${inScope('x.id')} AND ${r.filed} AND k.days IS NOT NULL`,
  };
}

/** Lessons of the marked schools, and the lessons the marked learners attend (at any school). */
const lessonCandidates = `
  SELECT l.id, l.school_id FROM lessons l WHERE l.school_id = ANY($1::uuid[])
  UNION SELECT a.lesson_id, a.school_id FROM lesson_attendees a WHERE a.learner_id = ANY($2::uuid[])`;

/** As lessonCandidates, plus the lessons their teachers teach at overlapping times (lessons last at most 8 hours). */
const teacherLessonCandidates = `
  WITH attended AS (${lessonCandidates})
  SELECT id, school_id FROM attended
  UNION SELECT o.id, o.school_id FROM attended a JOIN lessons l ON l.id = a.id
  JOIN lessons o ON o.teacher_id = l.teacher_id AND o.starts_at > l.starts_at - interval '8 hours' AND o.starts_at < l.ends_at
  WHERE cardinality($2::uuid[]) > 0`;

/**
 * Lessons that overlap another lesson of the same partition (a learner's attendance, a teacher's lessons),
 * without a quadratic self-join: ordered by start, a row overlaps an earlier one when the latest earlier end
 * lies after its start, and a later one when the next start lies before its end. Only those rows are paired.
 */
function overlappingPairs(source: string, partition: string): string {
  return `
    ordered AS (
      SELECT s.*,
        max(s.ends_at) OVER (PARTITION BY s.${partition} ORDER BY s.starts_at, s.lesson_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end,
        lead(s.starts_at) OVER (PARTITION BY s.${partition} ORDER BY s.starts_at, s.lesson_id) AS next_start
      FROM (${source}) s),
    overlapping AS (SELECT * FROM ordered WHERE earlier_end > starts_at OR next_start < ends_at),
    pairs AS (
      SELECT o.${partition}, o.lesson_id, o.school_id, x.lesson_id AS other_id, x.school_id AS other_school_id,
             x.starts_at AS other_starts_at, x.ends_at AS other_ends_at
      FROM overlapping o JOIN overlapping x
        ON x.${partition} = o.${partition} AND x.lesson_id <> o.lesson_id
       AND x.starts_at < o.ends_at AND o.starts_at < x.ends_at)`;
}

const lessonTimes = (l: string): string =>
  `format('%s %s-%s', ${day(`${l}.lesson_date`)}, ${clock(`${l}.starts_at`)}, ${clock(`${l}.ends_at`)})`;

const EXAM_COMPONENT_LIST = `ARRAY[${EXAM_COMPONENTS.map((c) => `'${c}'`).join(',')}]::text[]`;

export const RULE_QUERIES: Record<RuleCode, RuleQuery> = {
  // Severity by the school's contracts with the learner overlapping the period (DOMAIN.md "Contracts known at
  // DUO"): none, the configured severity (HIGH); a DUO_LOAN one, a loan course DUO does not know, at most MEDIUM;
  // all SELF or MUNICIPALITY, which DUO cannot know, LOW.
  DECLARATION_WITHOUT_DUO_CONTRACT: {
    candidates: periodRecordCandidates(DECLARATION),
    fired: (inScope) => `
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
  },

  DECLARED_HOURS_EXCEED_ATTENDANCE: hoursExceedAttendance(DECLARATION),

  DECLARED_HOURS_EXCEED_CONTRACT: {
    candidates: periodRecordCandidates(DECLARATION),
    fired: (inScope) => `
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
  },

  DECLARATION_OUTSIDE_KEURMERK: outsideKeurmerk(DECLARATION),

  // A declaration DUO entered as the learner presented it, for which the school's register holds no declaration of
  // the learner with the same purpose, period, hours and issue date (should the school file one later, it withdraws).
  PRESENTED_DECLARATION_NOT_REGISTERED: {
    candidates: periodRecordCandidates(DECLARATION),
    fired: (inScope) => `
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
  },

  INVOICE_EXCEEDS_CONTRACT: {
    candidates: periodRecordCandidates(INVOICE),
    fired: (inScope) => `
      WITH running AS (
        SELECT i.*,
          sum(i.hours) OVER w AS total_hours, sum(i.amount_cents) OVER w AS total_cents, count(*) OVER w AS invoices
        FROM invoices i
        WHERE ${restrict(inScope, 'i.contract_id', (scoped) => `SELECT x.contract_id FROM invoices x WHERE ${scoped('x.id')}`)}
        WINDOW w AS (PARTITION BY i.contract_id ORDER BY i.invoice_date, i.invoice_number COLLATE "C" ROWS UNBOUNDED PRECEDING))
      SELECT r.id, r.school_id, r.period_start, r.period_end, $2::text,
        format('Invoices on contract %s up to and including this one (%s invoices, in invoice date order) total %s h and %s; the contract covers %s h and %s, so they exceed its %s.',
          c.reference, r.invoices, ${hours('r.total_hours')}, ${euros('r.total_cents')}, ${hours('c.hours')}, ${euros('c.price_cents')},
          concat_ws(' and ', CASE WHEN r.total_hours > c.hours THEN 'hours' END, CASE WHEN r.total_cents > c.price_cents THEN 'amount' END)),
        jsonb_build_object('records', jsonb_build_array(${record('INVOICE', 'r.id', 'r.school_id')},
            ${record('CONTRACT', 'c.id', 'c.school_id', "'reference', c.reference")}),
          'invoicedHoursToDate', r.total_hours, 'invoicedCentsToDate', r.total_cents, 'invoicesToDate', r.invoices,
          'contractHours', c.hours, 'contractPriceCents', c.price_cents)
      FROM running r JOIN contracts c ON c.id = r.contract_id
      WHERE ${inScope('r.id')} AND (r.total_hours > c.hours OR r.total_cents > c.price_cents)`,
  },

  INVOICED_HOURS_EXCEED_ATTENDANCE: hoursExceedAttendance(INVOICE),

  INVOICE_OUTSIDE_KEURMERK: outsideKeurmerk(INVOICE),

  INVOICE_AMOUNT_MISMATCH: {
    candidates: periodRecordCandidates(INVOICE),
    fired: (inScope) => `
      SELECT i.id, i.school_id, i.period_start, i.period_end, $2::text,
        format('Invoice %s is for %s; DUO paid %s for this invoice number (%s payment(s)).',
          i.invoice_number, ${euros('i.amount_cents')}, ${euros('p.paid')}, p.n),
        jsonb_build_object('records', jsonb_build_array(${record('INVOICE', 'i.id', 'i.school_id')}) || p.records,
          'invoicedCents', i.amount_cents, 'paidCents', p.paid, 'toleranceCents', ($1::jsonb->>'toleranceCents')::bigint)
      FROM invoices i
      JOIN schools s ON s.id = i.school_id
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, sum(p.amount_cents) AS paid,
               jsonb_agg(${record('DUO_PAYMENT', 'p.id', 'i.school_id', "'amountCents', p.amount_cents, 'paidOn', p.paid_on")} ORDER BY p.paid_on, p.id) AS records
        FROM duo_payments p WHERE p.school_kvk = s.kvk_number AND p.invoice_number = i.invoice_number) p
      WHERE ${inScope('i.id')} AND p.n > 0 AND abs(p.paid - i.amount_cents) > ($1::jsonb->>'toleranceCents')::bigint`,
  },

  PAYMENT_WITHOUT_INVOICE: {
    candidates: `
      SELECT p.id, s.id FROM schools s JOIN duo_payments p ON p.school_kvk = s.kvk_number WHERE s.id = ANY($1::uuid[])
      UNION SELECT p.id, NULL FROM duo_payments p
      WHERE '${NO_SCHOOL}' = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM schools s WHERE s.kvk_number = p.school_kvk)
      UNION SELECT p.id, s.id FROM duo_payments p LEFT JOIN schools s ON s.kvk_number = p.school_kvk WHERE p.learner_id = ANY($2::uuid[])`,
    fired: (inScope) => `
      SELECT p.id, s.id, p.paid_on, p.paid_on, $2::text,
        CASE WHEN s.id IS NULL
          THEN format('DUO paid %s on %s for invoice number %s (contract reference %s) to KvK %s, which is no registered school.',
                 ${euros('p.amount_cents')}, ${day('p.paid_on')}, p.invoice_number, p.contract_reference, p.school_kvk)
          ELSE format('DUO paid %s on %s for invoice number %s (contract reference %s) to this school; the school registered no invoice with that number.',
                 ${euros('p.amount_cents')}, ${day('p.paid_on')}, p.invoice_number, p.contract_reference)
        END,
        jsonb_build_object('records', jsonb_build_array(${record('DUO_PAYMENT', 'p.id', 's.id', "'invoiceNumber', p.invoice_number")}),
          'paidCents', p.amount_cents, 'schoolKvk', p.school_kvk)
      FROM duo_payments p LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      WHERE ${inScope('p.id')}
        AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.school_id = s.id AND i.invoice_number = p.invoice_number)`,
  },

  QUARTERLY_CAP_EXCEEDED: {
    candidates: learnerCapCandidates(),
    fired: (inScope) => `
      SELECT p.learner_id, NULL::uuid, q.quarter::date, (q.quarter + interval '3 months - 1 day')::date, $2::text,
        format('DUO paid %s for this learner in %s Q%s (%s..%s) in %s payment(s) to %s school(s), above the cap of %s per quarter.',
          ${euros('sum(p.amount_cents)')}, extract(year FROM q.quarter), extract(quarter FROM q.quarter),
          ${day('q.quarter')}, ${day("q.quarter + interval '3 months - 1 day'")}, count(*), count(DISTINCT p.school_kvk),
          ${euros(`($1::jsonb->>'capCents')::bigint`)}),
        jsonb_build_object(
          'records', jsonb_agg(${record('DUO_PAYMENT', 'p.id', 's.id', "'amountCents', p.amount_cents, 'paidOn', p.paid_on")} ORDER BY p.paid_on, p.id),
          'paidCents', sum(p.amount_cents), 'capCents', ($1::jsonb->>'capCents')::bigint, 'payments', count(*))
      FROM duo_payments p
      LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      CROSS JOIN LATERAL (SELECT date_trunc('quarter', p.paid_on)::date AS quarter) q
      WHERE ${inScope('p.learner_id')}
      GROUP BY p.learner_id, q.quarter
      HAVING sum(p.amount_cents) > ($1::jsonb->>'capCents')::bigint`,
  },

  LOAN_LIMIT_EXCEEDED: {
    candidates: learnerCapCandidates(),
    fired: (inScope) => `
      SELECT p.learner_id, NULL::uuid, NULL::date, NULL::date, $2::text,
        format('DUO paid %s for this learner in total (%s payment(s), %s..%s), above the loan limit of %s.',
          ${euros('sum(p.amount_cents)')}, count(*), ${day('min(p.paid_on)')}, ${day('max(p.paid_on)')}, ${euros('min(ln.loan_limit_cents)')}),
        jsonb_build_object(
          'records', jsonb_agg(${record('DUO_PAYMENT', 'p.id', 's.id', "'amountCents', p.amount_cents, 'paidOn', p.paid_on")} ORDER BY p.paid_on, p.id),
          'paidCents', sum(p.amount_cents), 'loanLimitCents', min(ln.loan_limit_cents), 'payments', count(*))
      FROM duo_payments p
      JOIN learners ln ON ln.id = p.learner_id
      LEFT JOIN schools s ON s.kvk_number = p.school_kvk
      WHERE ${inScope('p.learner_id')} AND ln.loan_limit_cents IS NOT NULL
      GROUP BY p.learner_id
      HAVING sum(p.amount_cents) > min(ln.loan_limit_cents)`,
  },

  GROUP_SIZE_EXCEEDED: {
    candidates: lessonCandidates,
    fired: (inScope) => `
      SELECT l.id, l.school_id, l.lesson_date, l.lesson_date,
        CASE WHEN m.lenient THEN 'LOW' ELSE $2::text END,
        format('The lesson of %s in group %s (route %s) had %s attendees; the group''s maximum is %s (%s, route maximum %s)%s.',
          ${lessonTimes('l')}, g.code, g.route, n.attendees, m.maximum,
          CASE WHEN g.max_size IS NULL THEN 'no own maximum' ELSE format('own maximum %s', g.max_size) END, m.route_max,
          CASE WHEN m.lenient THEN '; GROUP_SIZE_LENIENCY applies on that date, so the severity is LOW' ELSE '' END),
        jsonb_build_object('records', jsonb_build_array(${record('LESSON', 'l.id', 'l.school_id')},
            ${record('GROUP', 'g.id', 'g.school_id', "'code', g.code")}),
          'attendees', n.attendees, 'maximum', m.maximum, 'groupMaxSize', g.max_size, 'routeMaximum', m.route_max,
          'groupSizeLeniency', m.lenient)
      FROM lessons l
      JOIN groups g ON g.id = l.group_id
      JOIN (SELECT a.lesson_id, count(*) AS attendees FROM lesson_attendees a WHERE ${inScope('a.lesson_id')} GROUP BY a.lesson_id) n
        ON n.lesson_id = l.id
      CROSS JOIN LATERAL (
        SELECT r.route_max, least(coalesce(g.max_size, r.route_max), r.route_max) AS maximum,
               ${validMeasure('GROUP_SIZE_LENIENCY', 'l.school_id', 'l.lesson_date')} AS lenient
        FROM (SELECT ($1::jsonb->'routeMaxima'->>g.route)::int AS route_max) r) m
      WHERE ${inScope('l.id')} AND n.attendees > m.maximum`,
  },

  LEARNER_DOUBLE_BOOKED: {
    candidates: lessonCandidates,
    fired: (inScope) => `
WITH ${overlappingPairs(
      rowsOf(
        inScope,
        'lesson_attendees',
        't.learner_id, t.lesson_id, t.school_id, t.starts_at, t.ends_at',
        'learner_id',
        (scoped) => `SELECT DISTINCT c.learner_id FROM lesson_attendees c WHERE ${scoped('c.lesson_id')}`,
      ),
      'learner_id',
    )}
      SELECT l.id, l.school_id, l.lesson_date, l.lesson_date, $2::text,
        format('The lesson of %s: %s learner(s) of it also attend an overlapping lesson: %s.',
          ${lessonTimes('l')}, count(DISTINCT p.learner_id),
          concat_ws('; ',
            CASE WHEN bool_or(p.other_school_id = l.school_id) THEN 'at this school on ' || string_agg(DISTINCT
              CASE WHEN p.other_school_id = l.school_id THEN format('%s-%s', ${clock('p.other_starts_at')}, ${clock('p.other_ends_at')}) END, ', ') END,
            CASE WHEN bool_or(p.other_school_id <> l.school_id)
              THEN format('%s lesson(s) at another school', count(DISTINCT p.other_id) FILTER (WHERE p.other_school_id <> l.school_id)) END)),
        jsonb_build_object(
          'records', jsonb_build_array(${record('LESSON', 'l.id', 'l.school_id')})
            || jsonb_agg(DISTINCT ${record('LEARNER', 'p.learner_id', 'l.school_id')})
            || jsonb_agg(DISTINCT ${record('LESSON', 'p.other_id', 'p.other_school_id', "'startsAt', p.other_starts_at, 'endsAt', p.other_ends_at")}),
          'learnersDoubleBooked', count(DISTINCT p.learner_id), 'overlappingLessons', count(DISTINCT p.other_id))
      FROM pairs p JOIN lessons l ON l.id = p.lesson_id
      WHERE ${inScope('p.lesson_id')}
      GROUP BY l.id`,
  },

  TEACHER_DOUBLE_BOOKED: {
    candidates: teacherLessonCandidates,
    fired: (inScope) => `
      WITH ${overlappingPairs(
        rowsOf(
          inScope,
          'lessons',
          't.teacher_id, t.id AS lesson_id, t.school_id, t.starts_at, t.ends_at',
          'teacher_id',
          (scoped) => `SELECT DISTINCT c.teacher_id FROM lessons c WHERE ${scoped('c.id')}`,
        ),
        'teacher_id',
      )}
      SELECT l.id, l.school_id, l.lesson_date, l.lesson_date, $2::text,
        format('Teacher %s teaches the lesson of %s and %s overlapping lesson(s) at the same time: %s.',
          t.reference, ${lessonTimes('l')}, count(DISTINCT p.other_id),
          string_agg(format('%s-%s', ${clock('p.other_starts_at')}, ${clock('p.other_ends_at')}), ', ' ORDER BY p.other_starts_at, p.other_id)),
        jsonb_build_object(
          'records', jsonb_build_array(${record('LESSON', 'l.id', 'l.school_id')}, ${record('TEACHER', 't.id', 't.school_id', "'reference', t.reference")})
            || jsonb_agg(${record('LESSON', 'p.other_id', 'p.other_school_id', "'startsAt', p.other_starts_at, 'endsAt', p.other_ends_at")} ORDER BY p.other_starts_at, p.other_id),
          'overlappingLessons', count(DISTINCT p.other_id))
      FROM pairs p JOIN lessons l ON l.id = p.lesson_id JOIN teachers t ON t.id = l.teacher_id
      WHERE ${inScope('p.lesson_id')}
      GROUP BY l.id, t.id`,
  },

  ATTENDANCE_WITHOUT_CONTRACT: {
    candidates: `
      SELECT a.learner_id, a.school_id FROM lessons l
      CROSS JOIN LATERAL (SELECT a.learner_id, a.school_id FROM lesson_attendees a WHERE a.lesson_id = l.id OFFSET 0) a
      WHERE l.school_id = ANY($1::uuid[])
      UNION SELECT a.learner_id, a.school_id FROM lesson_attendees a WHERE a.learner_id = ANY($2::uuid[])
      UNION SELECT c.learner_id, c.school_id FROM contracts c WHERE c.school_id = ANY($1::uuid[]) OR c.learner_id = ANY($2::uuid[])`,
    // One flag per stretch of uncovered days: the attended days between two contracts (or before the first,
    // after the last), from the first to the last such day.
    fired: (inScope) => `
      WITH cover AS (
        SELECT c.learner_id, c.school_id, range_agg(daterange(c.start_date, c.end_date, '[]')) AS days,
               string_agg(format('%s %s..%s', c.reference, ${day('c.start_date')}, ${day('c.end_date')}), ', ' ORDER BY c.start_date, c.reference) AS refs,
               jsonb_agg(${record('CONTRACT', 'c.id', 'c.school_id', "'reference', c.reference")} ORDER BY c.start_date, c.reference) AS records
        FROM contracts c WHERE ${inScope('c.learner_id', 'c.school_id')}
        GROUP BY c.learner_id, c.school_id),
      uncovered AS (
        SELECT a.learner_id, a.school_id, a.lesson_date, a.lesson_id,
          (SELECT max(c.end_date) FROM contracts c
            WHERE c.learner_id = a.learner_id AND c.school_id = a.school_id AND c.end_date < a.lesson_date) AS after_contract_end
        FROM lesson_attendees a LEFT JOIN cover USING (learner_id, school_id)
        WHERE ${inScope('a.learner_id', 'a.school_id')} AND (cover.days IS NULL OR NOT cover.days @> a.lesson_date))
      SELECT u.learner_id, u.school_id, min(u.lesson_date), max(u.lesson_date), $2::text,
        format('The learner attended %s lesson(s) of this school on %s day(s) from %s to %s that no contract with this school covers (%s).',
          count(*), count(DISTINCT u.lesson_date), ${day('min(u.lesson_date)')}, ${day('max(u.lesson_date)')},
          coalesce('contracts: ' || cover.refs, 'the school registered no contract with the learner')),
        jsonb_build_object(
          'records', jsonb_build_array(${record('LEARNER', 'u.learner_id', 'u.school_id')}) || coalesce(cover.records, '[]'),
          'lessons', count(*), 'days', count(DISTINCT u.lesson_date),
          'uncoveredDays', jsonb_agg(DISTINCT u.lesson_date))
      FROM uncovered u LEFT JOIN cover USING (learner_id, school_id)
      GROUP BY u.learner_id, u.school_id, u.after_contract_end, cover.refs, cover.records`,
  },

  CERTIFIED_LESSON_SHARE_BELOW_NORM: {
    candidates: `SELECT s.id, s.id FROM schools s WHERE s.id = ANY($1::uuid[])`,
    fired: (inScope) => `
      WITH per_teacher AS (
        SELECT l.school_id, date_trunc('year', l.lesson_date)::date AS year, l.teacher_id, count(*) AS lessons,
          count(*) FILTER (WHERE ${countingTeacher('l.school_id', 'l.lesson_date')}) AS counting
        FROM lessons l JOIN teachers t ON t.id = l.teacher_id
        WHERE ${inScope('l.school_id')}
        GROUP BY 1, 2, 3),
      per_year AS (
        SELECT p.school_id, p.year, sum(p.lessons) AS lessons, sum(p.counting) AS counting,
          jsonb_agg(${record('TEACHER', 't.id', 't.school_id', "'reference', t.reference, 'lessons', p.lessons, 'countingLessons', p.counting")}
            ORDER BY t.reference) FILTER (WHERE p.counting < p.lessons) AS records,
          EXISTS (SELECT 1 FROM measures m WHERE m.school_id = p.school_id AND m.kind = 'DEFERRED_ENFORCEMENT'
                  AND m.valid_from <= (p.year + interval '1 year - 1 day')::date AND m.valid_to >= p.year) AS deferred
        FROM per_teacher p JOIN teachers t ON t.id = p.teacher_id
        GROUP BY p.school_id, p.year)
      SELECT y.school_id, y.school_id, y.year, (y.year + interval '1 year - 1 day')::date,
        CASE WHEN y.deferred THEN 'LOW' ELSE $2::text END,
        format('In %s, %s of %s lessons (%s%%) were taught by counting teachers (certified NT2, or under a valid measure); the norm is %s%% of at least %s lessons%s.',
          extract(year FROM y.year), y.counting, y.lessons, round(100.0 * y.counting / y.lessons, 1),
          trim_scale(100 * ($1::jsonb->>'norm')::numeric), ($1::jsonb->>'minimumLessons')::int,
          CASE WHEN y.deferred THEN '; DEFERRED_ENFORCEMENT (a staffing plan is filed) applies, so the severity is LOW' ELSE '' END),
        jsonb_build_object('records', coalesce(y.records, '[]'), 'lessons', y.lessons, 'countingLessons', y.counting,
          'share', round(y.counting::numeric / y.lessons, 4), 'norm', ($1::jsonb->>'norm')::numeric,
          'minimumLessons', ($1::jsonb->>'minimumLessons')::int, 'deferredEnforcement', y.deferred)
      FROM per_year y
      WHERE y.lessons >= ($1::jsonb->>'minimumLessons')::int AND y.counting < ($1::jsonb->>'norm')::numeric * y.lessons`,
  },
  RESULTS_BELOW_REGISTERED_HOURS: {
    candidates: periodRecordCandidates(DECLARATION),
    // The window runs from the day after the period to windowMonths later (month ends clamp, as in Postgres);
    // per component the latest result in it counts, found through exam_results_row_key.
    fired: (inScope) => `
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
  },
};

/** The learners marked, and those DUO paid through the marked schools. */
function learnerCapCandidates(): string {
  return `
    SELECT l.id, NULL::uuid FROM learners l WHERE l.id = ANY($2::uuid[])
    UNION SELECT p.learner_id, NULL::uuid FROM duo_payments p JOIN schools s ON s.kvk_number = p.school_kvk WHERE s.id = ANY($1::uuid[])`;
}
