import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ImportsModule } from '../imports/imports.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { Lesson, LessonAttendee } from './lesson.entity';
import { LessonImport } from './lesson-import';
import { LessonsController } from './lessons.controller';
import { LessonsService } from './lessons.service';

@Module({
  imports: [TypeOrmModule.forFeature([Lesson, LessonAttendee]), SubmissionsModule, ImportsModule],
  controllers: [LessonsController],
  providers: [LessonsService, LessonImport],
  exports: [LessonsService],
})
export class LessonsModule {}
