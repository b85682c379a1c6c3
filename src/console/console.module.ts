import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ContractsModule } from '../contracts/contracts.module';
import { ExemptionsModule } from '../exemptions/exemptions.module';
import { FlagsModule } from '../flags/flags.module';
import { HoursDeclarationsModule } from '../hours-declarations/hours-declarations.module';
import { ImportsModule } from '../imports/imports.module';
import { InspectionsModule } from '../inspections/inspections.module';
import { InvoicesModule } from '../invoices/invoices.module';
import { KeurmerkApplicationsModule } from '../keurmerk-applications/keurmerk-applications.module';
import { ReportsModule } from '../reports/reports.module';
import { RulesModule } from '../rules/rules.module';
import { SchoolsModule } from '../schools/schools.module';
import { SignalsModule } from '../signals/signals.module';
import { UsersModule } from '../users/users.module';
import { ConsoleErrorFilter } from './console-error.filter';
import { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';
import { DashboardPageController } from './pages/dashboard.controller';
import { ExemptionsPageController } from './pages/exemptions.controller';
import { FlagsPageController } from './pages/flags.controller';
import { NotFoundPageController } from './pages/not-found.controller';
import { RulesPageController } from './pages/rules.controller';
import { SchoolHomePageController } from './pages/school-home.controller';
import { SchoolsPageController } from './pages/schools.controller';
import { SignInController } from './pages/sign-in.controller';
import { SignalsPageController } from './pages/signals.controller';
import { SupervisionPageController } from './pages/supervision.controller';
import { SubmissionsPageController } from './pages/submissions.controller';

/**
 * The browser console (CONSOLE.md): server-rendered pages on the API's own services and guard.
 * A page is a controller (with @ConsolePage) and its template in views/; list the controller here.
 */
@Module({
  imports: [
    AuthModule,
    ContractsModule,
    ExemptionsModule,
    FlagsModule,
    HoursDeclarationsModule,
    ImportsModule,
    InspectionsModule,
    InvoicesModule,
    KeurmerkApplicationsModule,
    ReportsModule,
    RulesModule,
    SchoolsModule,
    SignalsModule,
    UsersModule,
  ],
  controllers: [
    SignInController,
    FlagsPageController,
    ExemptionsPageController,
    SchoolsPageController,
    DashboardPageController,
    RulesPageController,
    SignalsPageController,
    SupervisionPageController,
    SchoolHomePageController,
    SubmissionsPageController,
    // Last: any other address under /console is a 404 page.
    NotFoundPageController,
  ],
  providers: [ConsoleSession, ConsoleView, ConsoleErrorFilter],
})
export class ConsoleModule {}
