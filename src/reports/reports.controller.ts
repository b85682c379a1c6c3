import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { CsvReport } from './csv.interceptor';
import {
  ComplianceReport,
  DeclarationsReport,
  DeclarationsReportQuery,
  ElipQuery,
  ElipReport,
  PeriodQuery,
  ReportSchoolParam,
} from './reports.dto';
import { ReportsService } from './reports.service';

/** JSON by default; the same numbers as CSV with `Accept: text/csv`. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('declarations')
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  @CsvReport(
    'declarations',
    ['from', 'to', 'submitted', 'withoutDuoContract', 'flagged', 'refused', 'forgeryReports'],
    (r: DeclarationsReport) => [{ ...r }],
  )
  declarations(@Query() query: DeclarationsReportQuery): Promise<DeclarationsReport> {
    return this.reports.declarations(query);
  }

  /** A school reads its own report only (404 for another school's). */
  @Get('schools/:id/compliance')
  @CsvReport(
    'compliance',
    [
      'month',
      'lessons',
      'certifiedLessons',
      'certifiedShare',
      'lessonsOverMaxGroupSize',
      'openFlagsTotal',
      'openFlags',
    ],
    (r: ComplianceReport) =>
      r.months.map((m) => ({
        ...m,
        openFlags: Object.entries(m.openFlags)
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([rule, n]) => `${rule}=${n}`)
          .join(';'),
      })),
  )
  compliance(
    @CurrentActor() actor: Actor,
    @Param() { id }: ReportSchoolParam,
    @Query() query: PeriodQuery,
  ): Promise<ComplianceReport> {
    return this.reports.compliance(actor, id, query);
  }

  @Get('elip')
  @Roles('DUO')
  @CsvReport(
    'elip',
    ['cohortYear', 'learners', 'loanUsedAtLeast9500', 'termEndingWithin12Months'],
    (r: ElipReport) => r.cohorts.map((c) => ({ ...c })),
  )
  elip(@Query() query: ElipQuery): Promise<ElipReport> {
    return this.reports.elip(query);
  }
}
