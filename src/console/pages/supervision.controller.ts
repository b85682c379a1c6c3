import { Get, Req, Res } from '@nestjs/common';
import { IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import { amsterdamToday } from '../../common/calendar';
import { Roles } from '../../common/auth/auth.decorators';
import { IsDateOnly } from '../../common/http/validators';
import { INSPECTION_KINDS } from '../../inspections/inspection.entity';
import { KEURMERK_GROUNDS } from '../../schools/school.entity';
import { SIGNAL_CATEGORIES, SIGNAL_RECEIVERS, SIGNAL_SOURCES } from '../../signals/signal.entity';
import { SupervisionReport } from '../../reports/supervision-report.dto';
import { supervisionCsvRows, SupervisionReportService } from '../../reports/supervision-report.service';
import { barChart } from '../charts';
import { ConsolePage, REVIEWERS } from '../console-page';
import { ConsoleView } from '../console-view';
import { csvDownload } from '../csv-download';
import { pageQuery, renderList } from '../form';
import { label } from '../labels';

export class SupervisionPageQuery {
  @IsOptional()
  @IsDateOnly()
  from?: string;

  @IsOptional()
  @IsDateOnly()
  to?: string;
}

/** The half year up to today: the period the minister reports on, when none is asked for. */
function lastHalfYear(): { from: string; to: string } {
  const to = amsterdamToday();
  const from = new Date(`${to}T12:00:00Z`);
  from.setUTCMonth(from.getUTCMonth() - 6);
  from.setUTCDate(from.getUTCDate() + 1);
  return { from: from.toISOString().slice(0, 10), to };
}

/** Toezicht: the supervision figures of a period (GET /reports/supervision), as charts with their tables and CSV. */
@ConsolePage('supervision', { label: 'Toezicht', roles: REVIEWERS, order: 45 })
@Roles('AUDITOR', 'DUO', 'ADMIN')
export class SupervisionPageController {
  constructor(
    private readonly supervision: SupervisionReportService,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    return renderList(SupervisionPageQuery, req, res, async (query) => {
      const period = { ...lastHalfYear(), ...query };
      const report = await this.supervision.report(period);
      return this.view.page(req, 'supervision', 'Toezicht', { report, charts: charts(report) });
    });
  }

  @Get('download.csv')
  async csv(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { query } = await pageQuery(SupervisionPageQuery, req);
    const report = await this.supervision.report({ ...lastHalfYear(), ...query });
    csvDownload(res, 'toezicht.csv', ['figure', 'key', 'count'], supervisionCsvRows(report));
  }
}

function charts(r: SupervisionReport) {
  const sanctions = [...KEURMERK_GROUNDS, 'unspecified' as const];
  return [
    barChart({
      id: 'signals-by-receiver',
      caption: 'Meldingen per ontvanger',
      categoryLabel: 'Ontvanger',
      categories: SIGNAL_RECEIVERS.map((k) => label('signalReceiver', k)),
      series: [{ name: 'Meldingen', values: SIGNAL_RECEIVERS.map((k) => r.signals[k]) }],
    }),
    barChart({
      id: 'signals-by-source',
      caption: 'Meldingen per bron',
      categoryLabel: 'Bron',
      categories: SIGNAL_SOURCES.map((k) => label('signalSource', k)),
      series: [{ name: 'Meldingen', values: SIGNAL_SOURCES.map((k) => r.signalsBySource[k]) }],
      horizontal: true,
    }),
    barChart({
      id: 'signals-by-category',
      caption: 'Meldingen per soort',
      categoryLabel: 'Soort',
      categories: SIGNAL_CATEGORIES.map((k) => label('signalCategory', k)),
      series: [{ name: 'Meldingen', values: SIGNAL_CATEGORIES.map((k) => r.signalsByCategory[k]) }],
      horizontal: true,
    }),
    barChart({
      id: 'sanctions',
      caption: 'Schorsingen en intrekkingen van het keurmerk per grond',
      categoryLabel: 'Grond',
      categories: sanctions.map((k) =>
        k === 'unspecified' ? 'Niet opgegeven' : label('keurmerkGrounds', k),
      ),
      series: [
        { name: 'Geschorst', values: sanctions.map((k) => r.suspensions[k]) },
        { name: 'Ingetrokken', values: sanctions.map((k) => r.withdrawals[k]) },
      ],
    }),
    barChart({
      id: 'inspections',
      caption: 'Inspecties per soort',
      categoryLabel: 'Soort',
      categories: INSPECTION_KINDS.map((k) => label('inspectionKind', k)),
      series: [{ name: 'Inspecties', values: INSPECTION_KINDS.map((k) => r.inspections[k]) }],
    }),
  ];
}
