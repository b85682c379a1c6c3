import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SchoolsModule } from '../schools/schools.module';
import { KeurmerkApplication } from './keurmerk-application.entity';
import { KeurmerkApplicationsController } from './keurmerk-applications.controller';
import { KeurmerkApplicationsService } from './keurmerk-applications.service';

@Module({
  imports: [TypeOrmModule.forFeature([KeurmerkApplication]), SchoolsModule],
  controllers: [KeurmerkApplicationsController],
  providers: [KeurmerkApplicationsService],
  exports: [KeurmerkApplicationsService],
})
export class KeurmerkApplicationsModule {}
