import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/auth.decorators';
import { CsvReport } from './csv.interceptor';
import { PeriodQuery } from './reports.dto';
import { SupervisionReport } from './supervision-report.dto';
import { supervisionCsvRows, SupervisionReportService } from './supervision-report.service';

/** The supervision figures of a period; CSV with `Accept: text/csv`. A SCHOOL may not read them (403). */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class SupervisionReportController {
  constructor(private readonly supervision: SupervisionReportService) {}

  @Get('supervision')
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  @CsvReport('supervision', ['figure', 'key', 'count'], supervisionCsvRows)
  report(@Query() query: PeriodQuery): Promise<SupervisionReport> {
    return this.supervision.report(query);
  }
}
