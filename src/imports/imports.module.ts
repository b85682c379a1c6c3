import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Import } from './import.entity';
import { ImportKinds } from './import-kind';
import { ImportProcessor } from './import-processor';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

/** CSV imports: upload, progress and the generic job. Kinds register with ImportKinds (see import-kind.ts). */
@Module({
  imports: [TypeOrmModule.forFeature([Import])],
  controllers: [ImportsController],
  providers: [ImportsService, ImportProcessor, ImportKinds],
  exports: [ImportsService, ImportProcessor, ImportKinds],
})
export class ImportsModule {}
