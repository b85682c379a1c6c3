import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SubmissionsModule } from '../submissions/submissions.module';
import { HoursDeclaration } from './hours-declaration.entity';
import { HoursDeclarationsController } from './hours-declarations.controller';
import { HoursDeclarationsService } from './hours-declarations.service';

@Module({
  imports: [TypeOrmModule.forFeature([HoursDeclaration]), SubmissionsModule],
  controllers: [HoursDeclarationsController],
  providers: [HoursDeclarationsService],
  exports: [HoursDeclarationsService],
})
export class HoursDeclarationsModule {}
