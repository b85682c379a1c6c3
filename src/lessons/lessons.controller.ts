import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { CsvBody, CsvUpload, CsvUploadBody } from '../common/http/csv-upload';
import { Page } from '../common/http/validators';
import { ImportAcceptedResponse } from '../imports/imports.dto';
import { ImportsService } from '../imports/imports.service';
import { RecordIdParam } from '../submissions/submissions.dto';
import { CreateLessonDto, LessonResponse, ListLessonsQuery } from './lessons.dto';
import { LessonsService } from './lessons.service';

@ApiTags('school submissions')
@ApiBearerAuth()
@Controller('lessons')
export class LessonsController {
  constructor(
    private readonly lessons: LessonsService,
    private readonly imports: ImportsService,
  ) {}

  @Post()
  @Roles('SCHOOL')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateLessonDto): Promise<LessonResponse> {
    return this.lessons.create(actor, dto);
  }

  /**
   * A CSV file of attendance (`group_code,teacher_reference,starts_at,ends_at,bsn` and optionally `mode`,
   * one row per attendee), imported in the background: follow it at `GET /imports/{id}`.
   */
  @Post('imports')
  @Roles('SCHOOL')
  @HttpCode(202)
  @CsvUpload('group_code,teacher_reference,starts_at,ends_at,bsn,mode\n')
  importCsv(@CurrentActor() actor: Actor, @CsvBody() body: CsvUploadBody): Promise<ImportAcceptedResponse> {
    return this.imports.accept(actor, 'LESSONS', body);
  }

  /** A school sees its own lessons; AUDITOR, DUO and ADMIN see all, filterable by schoolId. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListLessonsQuery): Promise<Page<LessonResponse>> {
    return this.lessons.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: RecordIdParam): Promise<LessonResponse> {
    return this.lessons.get(actor, id);
  }
}
