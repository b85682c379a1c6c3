import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LIVE } from '../common/vocabulary';
import { countingTeacher } from '../rules/catalogue/shared-sql';

/** Flags in force: not yet decided. */
const LIVE_FLAG = `f.status IN ${LIVE}`;

export interface Dashboard {
  openPerRule: { rule: string; open: number }[];
  raisedPerWeek: { week: string; raised: number }[];
  openByAge: { bucket: string; open: number }[];
  decisionsPerRule: { rule: string; confirmed: number; dismissed: number }[];
  certifiedShare: { schoolId: string; school: string; lessons: number; share: number }[];
}

/** Age classes of open flags, in days since raised: [label, from, to). */
export const AGE_BUCKETS: [string, number, number | null][] = [
  ['0-7 dagen', 0, 7],
  ['7-30 dagen', 7, 30],
  ['30-90 dagen', 30, 90],
  ['90 dagen of langer', 90, null],
];

/** The figures of the console's dashboard, each one aggregate query over the flags or lessons. */
@Injectable()
export class DashboardService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The measurement year (calendar year) of the latest lesson: the dashboard's default for the 80% norm. */
  async latestLessonYear(): Promise<number | null> {
    const [row]: { year: number | null }[] = await this.dataSource.query(
      `SELECT extract(year FROM max(lesson_date))::int AS year FROM lessons`,
    );
    return row.year;
  }

  /** `weeks` of raised flags up to `today`; the certified-teacher share of measurement year `year`. */
  async figures(today: string, year: number, weeks = 12): Promise<Dashboard> {
    const [openPerRule, raisedPerWeek, openByAge, decisionsPerRule, certifiedShare] = await Promise.all([
      this.dataSource.query(
        `SELECT f.rule_code AS rule, count(*)::int AS open FROM flags f WHERE ${LIVE_FLAG}
          GROUP BY f.rule_code ORDER BY open DESC, rule`,
      ),
      this.dataSource.query(
        `SELECT to_char(w.week, 'IYYY-"W"IW') AS week, count(f.id)::int AS raised
           FROM generate_series(date_trunc('week', $1::date) - ($2::int - 1) * interval '1 week',
                                date_trunc('week', $1::date), interval '1 week') w(week)
           LEFT JOIN flags f ON date_trunc('week', (f.raised_at AT TIME ZONE 'Europe/Amsterdam')::date) = w.week
          GROUP BY w.week ORDER BY w.week`,
        [today, weeks],
      ),
      this.dataSource.query(
        `SELECT b.label AS bucket, count(f.id)::int AS open
           FROM unnest($2::text[], $3::int[], $4::int[]) WITH ORDINALITY b(label, low, high, n)
           LEFT JOIN flags f ON ${LIVE_FLAG}
                AND $1::date - (f.raised_at AT TIME ZONE 'Europe/Amsterdam')::date >= b.low
                AND (b.high IS NULL OR $1::date - (f.raised_at AT TIME ZONE 'Europe/Amsterdam')::date < b.high)
          GROUP BY b.label, b.n ORDER BY b.n`,
        [today, AGE_BUCKETS.map((b) => b[0]), AGE_BUCKETS.map((b) => b[1]), AGE_BUCKETS.map((b) => b[2])],
      ),
      this.dataSource.query(
        `SELECT f.rule_code AS rule, count(*) FILTER (WHERE f.status = 'CONFIRMED')::int AS confirmed,
                count(*) FILTER (WHERE f.status = 'DISMISSED')::int AS dismissed
           FROM flags f WHERE f.status IN ('CONFIRMED', 'DISMISSED') GROUP BY f.rule_code ORDER BY rule`,
      ),
      // The 80% norm's measure (CERTIFIED_LESSON_SHARE_BELOW_NORM) per school over the measurement year.
      this.dataSource.query(
        `SELECT s.id AS "schoolId", s.name AS school, count(*)::int AS lessons,
                round(count(*) FILTER (WHERE ${countingTeacher('l.school_id', 'l.lesson_date')})::numeric / count(*), 4)::float8 AS share
           FROM lessons l JOIN teachers t ON t.id = l.teacher_id JOIN schools s ON s.id = l.school_id
          WHERE l.lesson_date BETWEEN make_date($1::int, 1, 1) AND make_date($1::int, 12, 31)
          GROUP BY s.id, s.name ORDER BY share, s.name`,
        [year],
      ),
    ]);
    return { openPerRule, raisedPerWeek, openByAge, decisionsPerRule, certifiedShare };
  }
}
