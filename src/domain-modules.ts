import { ExemptionsModule } from './exemptions/exemptions.module';
import { FlagsModule } from './flags/flags.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { SchoolsModule } from './schools/schools.module';
import { UsersModule } from './users/users.module';

/** The feature modules, loaded by both the API and the worker. */
export const domainModules = [HealthModule, UsersModule, SchoolsModule, FlagsModule, ExemptionsModule, ImportsModule];
