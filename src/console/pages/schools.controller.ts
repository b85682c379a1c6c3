import { Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators';
import { FlagsService } from '../../flags/flags.service';
import { InspectionsService } from '../../inspections/inspections.service';
import { KeurmerkApplicationsService } from '../../keurmerk-applications/keurmerk-applications.service';
import { SignalsService } from '../../signals/signals.service';
import { DashboardService } from '../../reports/dashboard.service';
import { ReportsService } from '../../reports/reports.service';
import { ListSchoolsQuery, SchoolIdParam } from '../../schools/schools.dto';
import { SchoolsService } from '../../schools/schools.service';
import { amsterdamToday } from '../../common/calendar';
import { barChart } from '../charts';
import { ConsolePage, REVIEWERS } from '../console-page';
import { ConsoleView } from '../console-view';
import { csvDownload } from '../csv-download';
import { label } from '../labels';

/** Scholen: the list of schools, and a school's file (dossier) with its compliance per month. */
@ConsolePage('schools', { label: 'Scholen', roles: REVIEWERS, order: 30 })
@Roles('AUDITOR', 'DUO', 'ADMIN')
export class SchoolsPageController {
  constructor(
    private readonly schools: SchoolsService,
    private readonly flags: FlagsService,
    private readonly reports: ReportsService,
    private readonly dashboard: DashboardService,
    private readonly applications: KeurmerkApplicationsService,
    private readonly inspections: InspectionsService,
    private readonly signals: SignalsService,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: ListSchoolsQuery,
    @Req() req: Request,
  ): Promise<string> {
    const page = await this.schools.list(actor, query);
    return this.view.page(req, 'schools', 'Scholen', { page });
  }

  @Get('download.csv')
  async csv(@CurrentActor() actor: Actor, @Res() res: Response): Promise<void> {
    const page = await this.schools.list(actor, { page: 1, pageSize: 500 });
    csvDownload(
      res,
      'scholen.csv',
      ['id', 'naam', 'kvkNummer', 'bowNummer', 'keurmerk'],
      page.items.map((s) => ({
        id: s.id,
        naam: s.name,
        kvkNummer: s.kvkNumber,
        bowNummer: s.bowNumber,
        keurmerk: s.keurmerkStatus,
      })),
    );
  }

  @Get(':id')
  async show(
    @CurrentActor() actor: Actor,
    @Param() { id }: SchoolIdParam,
    @Req() req: Request,
  ): Promise<string> {
    const school = await this.schools.get(actor, id);
    const year = (await this.dashboard.latestLessonYear()) ?? Number(amsterdamToday().slice(0, 4));
    const [keurmerk, measures, open, inReview, compliance, applications, inspections, signals] =
      await Promise.all([
        this.schools.keurmerkHistory(actor, id),
        this.schools.measures(actor, id),
        this.flags.list(actor, { schoolId: id, status: 'OPEN', page: 1, pageSize: 50 }),
        this.flags.list(actor, { schoolId: id, status: 'IN_REVIEW', page: 1, pageSize: 50 }),
        this.reports.compliance(actor, id, { from: `${year}-01-01`, to: `${year}-12-31` }),
        this.applications.list({ schoolId: id, page: 1, pageSize: 50 }),
        this.inspections.list(actor, id),
        this.signals.list(actor, { schoolId: id, page: 1, pageSize: 50 }),
      ]);
    const months = compliance.months;
    const chart = barChart({
      id: 'compliance',
      caption: `Naleving per maand, ${year}: aandeel lessen door gecertificeerde docenten`,
      categoryLabel: 'Maand',
      categories: months.map((m) => m.month),
      series: [{ name: 'Aandeel gecertificeerd', values: months.map((m) => m.certifiedShare ?? 0) }],
      percent: true,
    });
    return this.view.page(req, 'school', school.name, {
      school,
      keurmerk,
      measures,
      applications: applications.items,
      inspections,
      signals: signals.items,
      openFlags: [...inReview.items, ...open.items],
      openTotal: open.total + inReview.total,
      months,
      chart,
      year,
      ruleName: (code: string) => label('rule', code),
    });
  }
}
