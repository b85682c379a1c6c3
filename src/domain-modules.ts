import { ChecksModule } from './checks/checks.module';
import { DuoModule } from './duo/duo.module';
import { ExemptionsModule } from './exemptions/exemptions.module';
import { InspectionsModule } from './inspections/inspections.module';
import { KeurmerkApplicationsModule } from './keurmerk-applications/keurmerk-applications.module';
import { FlagsModule } from './flags/flags.module';
import { ReportsModule } from './reports/reports.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { ContractsModule } from './contracts/contracts.module';
import { GroupsModule } from './groups/groups.module';
import { HoursDeclarationsModule } from './hours-declarations/hours-declarations.module';
import { InvoicesModule } from './invoices/invoices.module';
import { LessonsModule } from './lessons/lessons.module';
import { RulesModule } from './rules/rules.module';
import { SignalsModule } from './signals/signals.module';
import { TeachersModule } from './teachers/teachers.module';
import { SchoolsModule } from './schools/schools.module';
import { UsersModule } from './users/users.module';

/** The feature modules, loaded by both the API and the worker. */
export const domainModules = [
  HealthModule,
  UsersModule,
  SchoolsModule,
  FlagsModule,
  ExemptionsModule,
  ReportsModule,
  ImportsModule,
  TeachersModule,
  GroupsModule,
  LessonsModule,
  ContractsModule,
  InvoicesModule,
  HoursDeclarationsModule,
  ChecksModule,
  RulesModule,
  DuoModule,
  SignalsModule,
  KeurmerkApplicationsModule,
  InspectionsModule,
];
