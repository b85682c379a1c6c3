import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../src/config/app-config';
import { CoreModule } from '../src/core.module';
import { domainModules } from '../src/domain-modules';
import { JobHandlerRegistry } from './job-handlers';
import { JobRunner } from './job-runner';

/** The worker: the same domain modules as the API, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config), ...domainModules],
      providers: [JobHandlerRegistry, JobRunner],
    };
  }
}
