import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import { RecordIdParam } from '../submissions/submissions.dto';
import { CreateTeacherDto, ListTeachersQuery, TeacherResponse } from './teachers.dto';
import { TeachersService } from './teachers.service';

@ApiTags('school submissions')
@ApiBearerAuth()
@Controller('teachers')
export class TeachersController {
  constructor(private readonly teachers: TeachersService) {}

  @Post()
  @Roles('SCHOOL')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateTeacherDto): Promise<TeacherResponse> {
    return this.teachers.create(actor, dto);
  }

  /** A school sees its own teachers; AUDITOR, DUO and ADMIN see all, filterable by schoolId. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListTeachersQuery): Promise<Page<TeacherResponse>> {
    return this.teachers.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: RecordIdParam): Promise<TeacherResponse> {
    return this.teachers.get(actor, id);
  }
}
