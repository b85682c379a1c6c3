/**
 * The SQL the rules share: DOMAIN.md's terms as fragments (the one definition that the checks, the reports and
 * the exemption workflow all use), the formatting helpers of explanations and evidence, and the candidate
 * queries and statement families more than one rule uses. Arguments are SQL expressions (column references),
 * never user input.
 */
import { EXAM_COMPONENTS, EXAM_LEVELS } from '../../common/vocabulary';
import { InScope, RuleDefinition, RuleScope } from './rule-definition';

/** A rule's two statements (see RuleDefinition). */
export type RuleSql = Pick<RuleDefinition, 'candidates' | 'fired'>;

/** The school's temporary measure (tijdelijke maatregel) of this kind is valid on the day. */
export const validMeasure = (kind: string, school: string, onDay: string): string =>
  `EXISTS (SELECT 1 FROM measures m WHERE m.school_id = ${school} AND m.kind = '${kind}'
           AND ${onDay} BETWEEN m.valid_from AND m.valid_to)`;

/**
 * Teacher `t` counts towards the 80% norm on a lesson's day: certified since on or before it, or qualifying
 * under the school's valid TEACHERS_IN_TRAINING measure (training started) or EXPERIENCED_TEACHERS measure
 * (at least 3 years of NT2 experience and a related qualification).
 */
export const countingTeacher = (school: string, onDay: string): string => `(
     (t.nt2_certified AND (t.certified_since IS NULL OR t.certified_since <= ${onDay}))
  OR (t.nt2_training_started_on <= ${onDay} AND ${validMeasure('TEACHERS_IN_TRAINING', school, onDay)})
  OR (t.nt2_experience_years >= 3 AND t.related_qualification IS NOT NULL
      AND ${validMeasure('EXPERIENCED_TEACHERS', school, onDay)}))`;

/**
 * The contract of hours declaration `d` (a row alias) is "known at DUO" (DOMAIN.md "Contracts known at DUO"):
 * a DUO contract record names the same learner and school (KvK) and overlaps the declared period (both ends
 * included), or a DUO payment names the same learner and school.
 */
export const knownAtDuo = (d: string): string =>
  `(EXISTS (SELECT 1 FROM duo_contracts dc WHERE dc.learner_id = ${d}.learner_id AND dc.school_kvk = ${d}.school_kvk
              AND dc.start_date <= ${d}.period_end AND dc.end_date >= ${d}.period_start)
    OR EXISTS (SELECT 1 FROM duo_payments p WHERE p.learner_id = ${d}.learner_id AND p.school_kvk = ${d}.school_kvk))`;

/** An exam level's place in EXAM_LEVELS (BELOW_A1 = 1 .. B2 = 5): "below a level" is a smaller place. */
export const examLevelRank = (level: string): string =>
  `array_position(ARRAY[${EXAM_LEVELS.map((l) => `'${l}'`).join(',')}]::text[], ${level})`;
/**
 * Legal certainty (DOMAIN.md step 6, "Rule catalogue"): a flag subject the checks leave alone, an hours
 * declaration DUO accepted or rejected. No rule raises, changes or withdraws a flag on it.
 */
export const settledSubject = (subjectType: string, subjectId: string): string =>
  `(${subjectType} = 'HOURS_DECLARATION'
    AND EXISTS (SELECT 1 FROM hours_declarations sd WHERE sd.id = ${subjectId} AND sd.status IN ('ACCEPTED','REJECTED')))`;

/** `expr` among the keys `subquery` selects from the scope; a full run: no restriction at all (rather than a semi-join over the whole table). */
export const restrict = (scope: RuleScope, expr: string, subquery: (inScope: InScope) => string): string =>
  scope.all ? 'TRUE' : `${expr} IN (${subquery(scope.inScope)})`;
/**
 * The rows of `table` of the keys `keys` selects, fetched key by key through the index on `key` (a lateral
 * join, OFFSET 0 keeping it one: the planner would rather merge with the whole index than probe it a few
 * hundred times).
 */
export const keyedRows = (table: string, columns: string, key: string, keys: string): string =>
  `SELECT r.* FROM (${keys}) k(key) CROSS JOIN LATERAL (SELECT ${columns} FROM ${table} t WHERE t.${key} = k.key OFFSET 0) r`;

/** All rows of `table` (a full run), or the keyedRows of the keys `keys` selects from the scope. */
export const rowsOf = (
  scope: RuleScope,
  table: string,
  columns: string,
  key: string,
  keys: (inScope: InScope) => string,
): string =>
  scope.all ? `SELECT ${columns} FROM ${table} t` : keyedRows(table, columns, key, keys(scope.inScope));

export { NO_SCHOOL } from './rule-definition';

export const day = (expr: string): string => `to_char(${expr}, 'YYYY-MM-DD')`;
export const hours = (expr: string): string => `trim_scale(${expr}::numeric)::text`;
export const euros = (cents: string): string => `'EUR ' || to_char((${cents}) / 100.0, 'FM999,999,990.00')`;
export const clock = (instant: string): string =>
  `to_char(${instant} AT TIME ZONE 'Europe/Amsterdam', 'HH24:MI')`;
/**
 * The hours of the attendance rows `a` that count: each lesson's hours rounded to two decimals (ties away from zero),
 * summed. Summed in whole hundredths rather than as numeric per row (twelve million rows in a full run): a lesson
 * lasts a whole number of microseconds, at most eight hours, which the float epoch times a million gives back
 * exactly, and (µs + 18e6) / 36e6 in integers is that rounding.
 */
export const countingHours = `coalesce(round(sum((round(date_part('epoch', a.ends_at - a.starts_at) * 1000000)::bigint + 18000000) / 36000000) FILTER (WHERE a.counts) / 100.0, 2), 0)`;
/**
 * The attendance exceptions (check_attendance: see fullRunPreparation) that the rules marked
 * `readsAttendanceExceptions` read in a full run instead of each reading the twelve million attendance rows again:
 * one pass in the learner's time order (the primary key's: no sort) that keeps the rows of a lesson starting
 * before the learner's previous one (at any school) ends, and those no contract of the learner with the school
 * covers. Only a learner with the first kind can be double booked: of two overlapping lessons, the one right
 * after the earlier in time order overlaps it too.
 */
export const ATTENDANCE_EXCEPTIONS = `
  WITH cover AS (
    SELECT c.learner_id, c.school_id, range_agg(daterange(c.start_date, c.end_date, '[]')) AS days
    FROM contracts c GROUP BY c.learner_id, c.school_id)
  SELECT a.*, cover.days IS NULL OR NOT cover.days @> a.lesson_date AS uncovered
  FROM (SELECT a.learner_id, a.school_id, a.lesson_id, a.lesson_date,
          coalesce(lag(a.ends_at) OVER (PARTITION BY a.learner_id ORDER BY a.starts_at, a.lesson_id) > a.starts_at, false)
            AS overlaps_previous
        FROM lesson_attendees a) a
  LEFT JOIN cover USING (learner_id, school_id)
  WHERE a.overlaps_previous OR cover.days IS NULL OR NOT cover.days @> a.lesson_date`;

/** The configured severity, lowered to MEDIUM (never raised) for the MEDIUM variant of a rule. */
export const atMostMedium = `CASE WHEN $2 = 'HIGH' THEN 'MEDIUM' ELSE $2 END`;
export const record = (type: string, id: string, schoolId: string, extra = ''): string =>
  `jsonb_build_object('type', '${type}', 'id', ${id}, 'schoolId', ${schoolId}${extra ? `, ${extra}` : ''})`;
/**
 * A declaration in its school's register (source SCHOOL). The rules that measure a school's declaring against its
 * own records (attendance, contracted hours, keurmerk) judge only these: a presented declaration is not the
 * school's until it confirms issuing it, which is the question DOMAIN.md's step 3 puts to it
 * (PRESENTED_DECLARATION_NOT_REGISTERED flags it meanwhile). DECLARATION_WITHOUT_DUO_CONTRACT, about DUO's own
 * records, judges every declaration.
 */
export const REGISTERED = (d: string): string => `${d}.source = 'SCHOOL'`;

/** Hours declarations and invoices are checked alike for attendance and keurmerk: both have a school, learner and period. */
export interface PeriodRecord {
  table: 'hours_declarations' | 'invoices';
  type: 'HOURS_DECLARATION' | 'INVOICE';
  verb: 'Declared' | 'Invoiced';
  period: 'declared period' | 'invoice period';
  /** Which of its rows (alias x) the rules that judge the school's own filing look at. */
  filed: string;
}
export const DECLARATION: PeriodRecord = {
  table: 'hours_declarations',
  type: 'HOURS_DECLARATION',
  verb: 'Declared',
  period: 'declared period',
  filed: REGISTERED('x'),
};
export const INVOICE: PeriodRecord = {
  table: 'invoices',
  type: 'INVOICE',
  verb: 'Invoiced',
  period: 'invoice period',
  filed: 'TRUE',
};

export const periodRecordCandidates = (r: PeriodRecord): string =>
  `SELECT x.id, x.school_id FROM ${r.table} x WHERE x.school_id = ANY($1::uuid[]) OR x.learner_id = ANY($2::uuid[])`;

/** Hours above the learner's attended hours at the school's counting (not REMOTE) lessons dated in the period. */
export function hoursExceedAttendance(r: PeriodRecord): RuleSql {
  return {
    candidates: periodRecordCandidates(r),
    fired: ({ inScope }) => `
      SELECT x.id, x.school_id, x.period_start, x.period_end, $2::text,
        format('${r.verb} %s h for %s..%s; the learner attended %s h of this school''s counting lessons in that period (%s lessons)%s%s.',
          ${hours('x.hours')}, ${day('x.period_start')}, ${day('x.period_end')}, ${hours('att.hours')}, att.lessons,
          CASE WHEN att.remote > 0 THEN format('; %s REMOTE lessons do not count', att.remote) ELSE '' END,
          CASE WHEN ($1::jsonb->>'toleranceHours')::numeric > 0 THEN format('; tolerance %s h', ${hours(`($1::jsonb->>'toleranceHours')::numeric`)}) ELSE '' END),
        jsonb_build_object(
          'records', jsonb_build_array(${record(r.type, 'x.id', 'x.school_id')}, ${record('LEARNER', 'x.learner_id', 'x.school_id')}),
          '${r.verb.toLowerCase()}Hours', x.hours, 'attendedHours', att.hours, 'lessons', att.lessons,
          'remoteLessons', att.remote, 'toleranceHours', ($1::jsonb->>'toleranceHours')::numeric)
      -- in the learner's order, so that the attendance index is read front to back instead of at random
      FROM (SELECT * FROM ${r.table} x WHERE ${inScope('x.id')} AND ${r.filed} ORDER BY x.learner_id, x.period_start OFFSET 0) x
      CROSS JOIN LATERAL (
        SELECT ${countingHours} AS hours,
               count(*) FILTER (WHERE a.counts) AS lessons, count(*) FILTER (WHERE NOT a.counts) AS remote
        FROM lesson_attendees a
        WHERE a.learner_id = x.learner_id AND a.school_id = x.school_id
          AND a.lesson_date BETWEEN x.period_start AND x.period_end
          -- the same days as an index range on starts_at (Amsterdam is at most two hours off UTC)
          AND a.starts_at >= (x.period_start - 1)::timestamptz AND a.starts_at < (x.period_end + 2)::timestamptz) att
      WHERE x.hours > att.hours + ($1::jsonb->>'toleranceHours')::numeric`,
  };
}

/** Some day of the period on which the school held no valid keurmerk (keurmerk_invalid_ranges). */
export function outsideKeurmerk(r: PeriodRecord): RuleSql {
  return {
    candidates: periodRecordCandidates(r),
    fired: ({ inScope }) => `
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
export const lessonCandidates = `
  SELECT l.id, l.school_id FROM lessons l WHERE l.school_id = ANY($1::uuid[])
  UNION SELECT a.lesson_id, a.school_id FROM lesson_attendees a WHERE a.learner_id = ANY($2::uuid[])`;

/** As lessonCandidates, plus the lessons their teachers teach at overlapping times (lessons last at most 8 hours). */
export const teacherLessonCandidates = `
  WITH attended AS (${lessonCandidates})
  SELECT id, school_id FROM attended
  UNION SELECT o.id, o.school_id FROM attended a JOIN lessons l ON l.id = a.id
  JOIN lessons o ON o.teacher_id = l.teacher_id AND o.starts_at > l.starts_at - interval '8 hours' AND o.starts_at < l.ends_at
  WHERE cardinality($2::uuid[]) > 0`;

/**
 * Lessons that overlap another lesson of the same partition (a learner's attendance, a teacher's lessons),
 * without a quadratic self-join: ordered by start, a row overlaps an earlier one when the latest earlier end
 * lies after its start, and a later one when the next start lies before its end. Only those rows are paired,
 * with the `carried` columns of the row's own lesson.
 */
export function overlappingPairs(source: string, partition: string, carried: readonly string[] = []): string {
  return `
    ordered AS (
      SELECT s.*,
        max(s.ends_at) OVER (PARTITION BY s.${partition} ORDER BY s.starts_at, s.lesson_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end,
        lead(s.starts_at) OVER (PARTITION BY s.${partition} ORDER BY s.starts_at, s.lesson_id) AS next_start
      FROM (${source}) s),
    overlapping AS (SELECT * FROM ordered WHERE earlier_end > starts_at OR next_start < ends_at),
    pairs AS (
      SELECT o.${partition}, o.lesson_id, o.school_id, ${carried.map((column) => `o.${column}, `).join('')}x.lesson_id AS other_id, x.school_id AS other_school_id,
             x.starts_at AS other_starts_at, x.ends_at AS other_ends_at
      FROM overlapping o JOIN overlapping x
        ON x.${partition} = o.${partition} AND x.lesson_id <> o.lesson_id
       AND x.starts_at < o.ends_at AND o.starts_at < x.ends_at)`;
}

export const lessonTimes = (l: string): string =>
  `format('%s %s-%s', ${day(`${l}.lesson_date`)}, ${clock(`${l}.starts_at`)}, ${clock(`${l}.ends_at`)})`;

export const EXAM_COMPONENT_LIST = `ARRAY[${EXAM_COMPONENTS.map((c) => `'${c}'`).join(',')}]::text[]`;

/** The learners marked, and those DUO paid through the marked schools. */
export function learnerCapCandidates(): string {
  return `
    SELECT l.id, NULL::uuid FROM learners l WHERE l.id = ANY($2::uuid[])
    UNION SELECT p.learner_id, NULL::uuid FROM duo_payments p JOIN schools s ON s.kvk_number = p.school_kvk WHERE s.id = ANY($1::uuid[])`;
}
