import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { RuleViolationProblem } from '../common/errors/problems';
import { amsterdamToday } from '../common/calendar';
import { ruleParameters } from '../rules/catalogue/rule-parameters';
import { countingTeacher, knownAtDuo } from '../rules/catalogue/shared-sql';
import { SchoolsService } from '../schools/schools.service';
import {
  ComplianceReport,
  DeclarationsReport,
  DeclarationsReportQuery,
  ElipQuery,
  ElipReport,
  PeriodQuery,
} from './reports.dto';

/** ELIP (einde lening, inburgeringsplichtig): loan use thresholds in cents. */
const ELIP_LOAN_USED = 950_000;
const ELIP_LOAN_USED_NEAR_TERM_END = 750_000;

/** A lesson's teacher counts towards the 80% norm on its date. */
const COUNTING_TEACHER = countingTeacher('l.school_id', 'l.lesson_date');

/**
 * The group's maximum: its own maxSize capped by the route maximum, as rule GROUP_SIZE_EXCEEDED judges it
 * (`$4` its routeMaxima with the catalogue's defaults applied, so a route the auditor left out has its default).
 */
const GROUP_MAXIMUM = `least(coalesce(g.max_size, rm.route_max), rm.route_max)`;
const ROUTE_MAXIMUM = `($4::jsonb->>g.route)::int`;

/** Reports, each one SQL statement; the CSV form (CsvReport) flattens the same result. */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly schools: SchoolsService,
  ) {}

  /**
   * The minister's figures (933 / 69 / 2) for the hours declarations received (basis=received: the day the portal
   * got them) or issued (basis=issued: their issuedOn) in the period; see DeclarationsReport.
   */
  async declarations(query: DeclarationsReportQuery): Promise<DeclarationsReport> {
    requireOrdered(query);
    const day =
      query.basis === 'issued' ? 'd.issued_on' : `(d.created_at AT TIME ZONE 'Europe/Amsterdam')::date`;
    const [row]: Omit<DeclarationsReport, 'from' | 'to'>[] = await this.dataSource.query(
      `WITH received AS (
         SELECT d.id, d.status, ${knownAtDuo('d')} AS backed
           FROM hours_declarations d
          WHERE ${day} BETWEEN $1::date AND $2::date)
       SELECT count(*)::int AS submitted,
              count(*) FILTER (WHERE NOT backed)::int AS "withoutDuoContract",
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM flags f WHERE f.subject_type = 'HOURS_DECLARATION' AND f.subject_id = received.id
                   AND f.status NOT IN ('WITHDRAWN','DISMISSED')))::int AS flagged,
              count(*) FILTER (WHERE status = 'REJECTED')::int AS refused,
              (SELECT count(*)::int FROM forgery_reports fr JOIN received r ON r.id = fr.declaration_id) AS "forgeryReports"
         FROM received`,
      [query.from, query.to],
    );
    return { from: query.from, to: query.to, ...row };
  }

  /** Per month of the period: the certified-lesson share, lessons over the group maximum, open flags by rule. */
  async compliance(actor: Actor, schoolId: string, query: PeriodQuery): Promise<ComplianceReport> {
    await this.schools.get(actor, schoolId);
    requireOrdered(query);
    const months: ComplianceReport['months'] = await this.dataSource.query(
      `WITH months AS (
         SELECT m::date AS month FROM generate_series(date_trunc('month', $2::date), date_trunc('month', $3::date), interval '1 month') m),
       per_lesson AS (
         SELECT date_trunc('month', l.lesson_date)::date AS month, ${COUNTING_TEACHER} AS counting, coalesce(n.attendees, 0) > ${GROUP_MAXIMUM} AS over_max
           FROM lessons l
           JOIN teachers t ON t.id = l.teacher_id
           JOIN groups g ON g.id = l.group_id
           CROSS JOIN LATERAL (SELECT ${ROUTE_MAXIMUM} AS route_max) rm
           LEFT JOIN lesson_attendee_counts n ON n.lesson_id = l.id
          WHERE l.school_id = $1 AND l.lesson_date BETWEEN $2::date AND $3::date),
       lesson_stats AS (
         SELECT month, count(*)::int AS lessons, count(*) FILTER (WHERE counting)::int AS counting,
                count(*) FILTER (WHERE over_max)::int AS over_max
           FROM per_lesson GROUP BY month),
       flag_stats AS (
         SELECT date_trunc('month', coalesce(f.period_from, (f.raised_at AT TIME ZONE 'Europe/Amsterdam')::date))::date AS month,
                f.rule_code, count(*)::int AS n
           FROM flags f WHERE f.school_id = $1 AND f.status IN ('OPEN','IN_REVIEW') GROUP BY 1, 2)
       SELECT to_char(m.month, 'YYYY-MM') AS month,
              coalesce(ls.lessons, 0) AS lessons,
              coalesce(ls.counting, 0) AS "certifiedLessons",
              CASE WHEN ls.lessons > 0 THEN round(ls.counting::numeric / ls.lessons, 4)::float8 END AS "certifiedShare",
              coalesce(ls.over_max, 0) AS "lessonsOverMaxGroupSize",
              coalesce((SELECT jsonb_object_agg(fs.rule_code, fs.n ORDER BY fs.rule_code) FROM flag_stats fs WHERE fs.month = m.month), '{}') AS "openFlags",
              coalesce((SELECT sum(fs.n)::int FROM flag_stats fs WHERE fs.month = m.month), 0) AS "openFlagsTotal"
         FROM months m LEFT JOIN lesson_stats ls ON ls.month = m.month
        ORDER BY m.month`,
      [
        schoolId,
        query.from,
        query.to,
        (await ruleParameters(this.dataSource.manager, 'GROUP_SIZE_EXCEEDED')).routeMaxima,
      ],
    );
    return { schoolId, from: query.from, to: query.to, months };
  }

  /**
   * The ELIP group on a day, per cohort year: still obliged learners whose loan use (their DUO payments
   * up to and including the day) is at least EUR 9,500, or at least EUR 7,500 with their term ending
   * less than 12 months after the day.
   */
  async elip(query: ElipQuery): Promise<ElipReport> {
    const date = query.date ?? amsterdamToday();
    const cohorts: ElipReport['cohorts'] = await this.dataSource.query(
      `WITH loan_use AS (
         SELECT p.learner_id, sum(p.amount_cents) AS used FROM duo_payments p WHERE p.paid_on <= $1::date GROUP BY p.learner_id)
       SELECT l.cohort_year AS "cohortYear", count(*)::int AS learners,
              count(*) FILTER (WHERE u.used >= $2)::int AS "loanUsedAtLeast9500",
              count(*) FILTER (WHERE u.used < $2)::int AS "termEndingWithin12Months"
         FROM learners l JOIN loan_use u ON u.learner_id = l.id
        WHERE l.still_obliged
          AND (u.used >= $2 OR (u.used >= $3 AND l.term_ends_on < ($1::date + interval '12 months')))
        GROUP BY l.cohort_year
        ORDER BY l.cohort_year NULLS LAST`,
      [date, ELIP_LOAN_USED, ELIP_LOAN_USED_NEAR_TERM_END],
    );
    return { date, cohorts, total: cohorts.reduce((sum, cohort) => sum + cohort.learners, 0) };
  }
}

/** A period ends on or after its start (API.md: an end before its start is a 422). */
export function requireOrdered(query: PeriodQuery): void {
  if (query.to < query.from) throw new RuleViolationProblem('to must be on or after from.', 'to');
}
