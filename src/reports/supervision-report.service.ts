import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { INSPECTION_KINDS } from '../inspections/inspection.entity';
import { KEURMERK_GROUNDS } from '../schools/school.entity';
import { SIGNAL_CATEGORIES, SIGNAL_RECEIVERS, SIGNAL_SOURCES } from '../signals/signal.entity';
import { PeriodQuery } from './reports.dto';
import { requireOrdered } from './reports.service';
import { SupervisionReport } from './supervision-report.dto';

type Counts = Record<string, number>;

/** Every key with its count, zero when absent. */
const filled = <K extends string>(keys: readonly K[], counts: Counts | null): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, counts?.[key] ?? 0])) as Record<K, number>;

const SANCTION_KEYS = [...KEURMERK_GROUNDS, 'unspecified'] as const;

/** The supervision report: one statement over signals, keurmerk events, applications and inspections. */
@Injectable()
export class SupervisionReportService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async report(query: PeriodQuery): Promise<SupervisionReport> {
    requireOrdered(query);
    const [row]: {
      signals: Counts | null;
      by_source: Counts | null;
      by_category: Counts | null;
      referred: number;
      shared: number;
      suspensions: Counts | null;
      withdrawals: Counts | null;
      aspirant_refused: number;
      keurmerk_refused: number;
      inspections: Counts | null;
    }[] = await this.dataSource.query(
      `WITH s AS (SELECT id, received_by, source, category FROM signals WHERE received_on BETWEEN $1::date AND $2::date),
       sanctions AS (
         SELECT status, coalesce(grounds, 'unspecified') AS grounds, count(*)::int AS n FROM keurmerk_events
          WHERE status IN ('SUSPENDED','WITHDRAWN') AND effective_from BETWEEN $1::date AND $2::date
          GROUP BY 1, 2),
       refused AS (
         SELECT kind, count(*)::int AS n FROM keurmerk_applications
          WHERE status = 'REFUSED' AND decided_on BETWEEN $1::date AND $2::date GROUP BY kind)
       SELECT
         (SELECT jsonb_object_agg(received_by, n) FROM (SELECT received_by, count(*)::int AS n FROM s GROUP BY 1) x) AS signals,
         (SELECT jsonb_object_agg(source, n) FROM (SELECT source, count(*)::int AS n FROM s GROUP BY 1) x) AS by_source,
         (SELECT jsonb_object_agg(category, n) FROM (SELECT category, count(*)::int AS n FROM s GROUP BY 1) x) AS by_category,
         (SELECT count(*)::int FROM s WHERE EXISTS (
            SELECT 1 FROM signal_events e WHERE e.signal_id = s.id AND e.action = 'REFER_TO_NLA')) AS referred,
         (SELECT count(*)::int FROM s WHERE EXISTS (
            SELECT 1 FROM signal_events e WHERE e.signal_id = s.id AND e.action = 'SHARE')) AS shared,
         (SELECT jsonb_object_agg(grounds, n) FROM sanctions WHERE status = 'SUSPENDED') AS suspensions,
         (SELECT jsonb_object_agg(grounds, n) FROM sanctions WHERE status = 'WITHDRAWN') AS withdrawals,
         coalesce((SELECT n FROM refused WHERE kind = 'ASPIRANT'), 0) AS aspirant_refused,
         coalesce((SELECT n FROM refused WHERE kind = 'KEURMERK'), 0) AS keurmerk_refused,
         (SELECT jsonb_object_agg(kind, n) FROM (
            SELECT kind, count(*)::int AS n FROM inspections WHERE visited_on BETWEEN $1::date AND $2::date GROUP BY 1) x) AS inspections`,
      [query.from, query.to],
    );
    return {
      from: query.from,
      to: query.to,
      signals: filled(SIGNAL_RECEIVERS, row.signals),
      signalsBySource: filled(SIGNAL_SOURCES, row.by_source),
      signalsByCategory: filled(SIGNAL_CATEGORIES, row.by_category),
      referredToNla: row.referred,
      sharedWithChainPartners: row.shared,
      suspensions: filled(SANCTION_KEYS, row.suspensions),
      withdrawals: filled(SANCTION_KEYS, row.withdrawals),
      aspirantApplicationsRefused: row.aspirant_refused,
      keurmerkApplicationsRefused: row.keurmerk_refused,
      inspections: filled(INSPECTION_KINDS, row.inspections),
    };
  }
}

/** The report as CSV rows: one line per figure and breakdown key (an empty key for a plain count). */
export function supervisionCsvRows(
  report: SupervisionReport,
): { figure: string; key: string; count: number }[] {
  return Object.entries(report).flatMap(([figure, value]) =>
    typeof value === 'number'
      ? [{ figure, key: '', count: value }]
      : typeof value === 'object'
        ? Object.entries(value as Counts).map(([key, count]) => ({ figure, key, count }))
        : [],
  );
}
