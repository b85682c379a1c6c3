import { Get, Query, Req } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Request } from 'express';
import { amsterdamToday } from '../../common/calendar';
import { DashboardService } from '../../reports/dashboard.service';
import { Roles } from '../../common/auth/auth.decorators';
import { barChart } from '../charts';
import { ConsolePage, REVIEWERS } from '../console-page';
import { ConsoleView } from '../console-view';
import { label } from '../labels';

export class DashboardQuery {
  /** Measurement year of the certified-teacher share; default the year of the latest lesson. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1900)
  @Max(2999)
  year?: number;
}

/** Dashboard: the charts CONSOLE.md lists, each an SVG figure with its figures in a table. */
@ConsolePage('dashboard', { label: 'Dashboard', roles: REVIEWERS, order: 40 })
@Roles('AUDITOR', 'DUO', 'ADMIN')
export class DashboardPageController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  async show(@Query() query: DashboardQuery, @Req() req: Request): Promise<string> {
    const today = amsterdamToday();
    const year = query.year ?? (await this.dashboard.latestLessonYear()) ?? Number(today.slice(0, 4));
    const d = await this.dashboard.figures(today, year);
    const charts = [
      barChart({
        id: 'open-per-rule',
        caption: 'Open signaleringen per regel',
        categoryLabel: 'Regel',
        categories: d.openPerRule.map((r) => label('rule', r.rule)),
        series: [{ name: 'Open', values: d.openPerRule.map((r) => r.open) }],
        horizontal: true,
      }),
      barChart({
        id: 'raised-per-week',
        caption: 'Gesignaleerd per week (laatste 12 weken)',
        categoryLabel: 'Week',
        categories: d.raisedPerWeek.map((w) => w.week),
        series: [{ name: 'Gesignaleerd', values: d.raisedPerWeek.map((w) => w.raised) }],
        kind: 'line',
      }),
      barChart({
        id: 'open-by-age',
        caption: 'Open signaleringen naar leeftijd',
        categoryLabel: 'Leeftijd',
        categories: d.openByAge.map((b) => b.bucket),
        series: [{ name: 'Open', values: d.openByAge.map((b) => b.open) }],
      }),
      barChart({
        id: 'decisions-per-rule',
        caption: 'Besluiten per regel: bevestigd en afgewezen',
        categoryLabel: 'Regel',
        categories: d.decisionsPerRule.map((r) => label('rule', r.rule)),
        series: [
          { name: 'Bevestigd', values: d.decisionsPerRule.map((r) => r.confirmed) },
          { name: 'Afgewezen', values: d.decisionsPerRule.map((r) => r.dismissed) },
        ],
        stacked: true,
        horizontal: true,
      }),
      barChart({
        id: 'certified-share',
        caption: `Aandeel lessen door gecertificeerde docenten per school, ${year} (norm 80%)`,
        categoryLabel: 'School',
        categories: d.certifiedShare.map((s) => s.school),
        series: [{ name: 'Aandeel', values: d.certifiedShare.map((s) => s.share) }],
        horizontal: true,
        percent: true,
      }),
    ];
    return this.view.page(req, 'dashboard', 'Dashboard', { charts, year });
  }
}
