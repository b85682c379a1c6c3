import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module';
import { CallersModule } from './common/auth/callers';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source';
import { LearnersModule } from './learners/learners.module';
import { QueueModule } from './queue/queue.module';

/** What the API and the worker share: config, database, audit trail, queues, learners and BSN crypto, callers. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), autoLoadEntities: true }),
        AuditModule,
        QueueModule,
        LearnersModule,
        CallersModule,
      ],
      exports: [ConfigModule, TypeOrmModule, AuditModule, QueueModule, LearnersModule],
    };
  }
}
