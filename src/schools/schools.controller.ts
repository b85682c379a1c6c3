import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import {
  CreateKeurmerkEventDto,
  CreateMeasureDto,
  CreateSchoolDto,
  KeurmerkEventResponse,
  ListSchoolsQuery,
  MeasureResponse,
  SchoolIdParam,
  SchoolResponse,
  UpdateSchoolDto,
} from './schools.dto';
import { SchoolsService } from './schools.service';

@ApiTags('schools and keurmerk')
@ApiBearerAuth()
@Controller('schools')
export class SchoolsController {
  constructor(private readonly schools: SchoolsService) {}

  @Post()
  @Roles('AUDITOR', 'ADMIN')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateSchoolDto): Promise<SchoolResponse> {
    return this.schools.create(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListSchoolsQuery): Promise<Page<SchoolResponse>> {
    return this.schools.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: SchoolIdParam): Promise<SchoolResponse> {
    return this.schools.get(actor, id);
  }

  /** Records that the school no longer exists (`closedOn`, KvK deregistered): from the day after, its users get 403 on every submission. */
  @Patch(':id')
  @Roles('AUDITOR', 'ADMIN')
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: SchoolIdParam,
    @Body() dto: UpdateSchoolDto,
  ): Promise<SchoolResponse> {
    return this.schools.update(actor, id, dto);
  }

  /** Records a keurmerk event: valid on a day when the latest event on or before it is ASPIRANT or GRANTED. */
  @Post(':id/keurmerk-events')
  @Roles('AUDITOR', 'ADMIN')
  addKeurmerkEvent(
    @CurrentActor() actor: Actor,
    @Param() { id }: SchoolIdParam,
    @Body() dto: CreateKeurmerkEventDto,
  ): Promise<KeurmerkEventResponse> {
    return this.schools.addKeurmerkEvent(actor, id, dto);
  }

  /** The keurmerk history, oldest first. */
  @Get(':id/keurmerk-events')
  keurmerkHistory(
    @CurrentActor() actor: Actor,
    @Param() { id }: SchoolIdParam,
  ): Promise<KeurmerkEventResponse[]> {
    return this.schools.keurmerkHistory(actor, id);
  }

  @Post(':id/measures')
  @Roles('AUDITOR', 'ADMIN')
  addMeasure(
    @CurrentActor() actor: Actor,
    @Param() { id }: SchoolIdParam,
    @Body() dto: CreateMeasureDto,
  ): Promise<MeasureResponse> {
    return this.schools.addMeasure(actor, id, dto);
  }

  @Get(':id/measures')
  measures(@CurrentActor() actor: Actor, @Param() { id }: SchoolIdParam): Promise<MeasureResponse[]> {
    return this.schools.measures(actor, id);
  }
}
