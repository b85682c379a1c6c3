import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConsoleErrorFilter } from './console-error.filter';
import { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';
import { SignInController } from './pages/sign-in.controller';

/** The browser console (CONSOLE.md): server-rendered pages on the API's own services and guard. */
@Module({
  imports: [AuthModule],
  controllers: [SignInController],
  providers: [ConsoleSession, ConsoleView, ConsoleErrorFilter],
})
export class ConsoleModule {}
