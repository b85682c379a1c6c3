import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule } from './auth/auth.module';
import { BodyTypeInterceptor } from './common/http/csv-upload';
import { AppConfig } from './config/app-config';
import { ConsoleModule } from './console/console.module';
import { CoreModule } from './core.module';
import { domainModules } from './domain-modules';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), AuthModule, ...domainModules, ConsoleModule],
      // In this order: the Idempotency-Key hashes the CSV upload the body interceptor hands on.
      providers: [
        { provide: APP_INTERCEPTOR, useClass: BodyTypeInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
