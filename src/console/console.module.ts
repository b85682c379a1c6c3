import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { FlagsModule } from '../flags/flags.module';
import { RulesModule } from '../rules/rules.module';
import { SchoolsModule } from '../schools/schools.module';
import { UsersModule } from '../users/users.module';
import { ConsoleErrorFilter } from './console-error.filter';
import { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';
import { FlagsPageController } from './pages/flags.controller';
import { SignInController } from './pages/sign-in.controller';

/** The browser console (CONSOLE.md): server-rendered pages on the API's own services and guard. */
@Module({
  imports: [AuthModule, FlagsModule, RulesModule, SchoolsModule, UsersModule],
  controllers: [SignInController, FlagsPageController],
  providers: [ConsoleSession, ConsoleView, ConsoleErrorFilter],
})
export class ConsoleModule {}
