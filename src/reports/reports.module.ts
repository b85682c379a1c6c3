import { Module } from '@nestjs/common';
import { SchoolsModule } from '../schools/schools.module';
import { CsvInterceptor } from './csv.interceptor';
import { DashboardService } from './dashboard.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { SupervisionReportController } from './supervision-report.controller';
import { SupervisionReportService } from './supervision-report.service';

@Module({
  imports: [SchoolsModule],
  controllers: [ReportsController, SupervisionReportController],
  providers: [ReportsService, SupervisionReportService, DashboardService, CsvInterceptor],
  exports: [ReportsService, DashboardService, SupervisionReportService],
})
export class ReportsModule {}
