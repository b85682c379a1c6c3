import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import { RecordIdParam } from '../submissions/submissions.dto';
import {
  CreateHoursDeclarationDto,
  ListHoursDeclarationsQuery,
  HoursDeclarationResponse,
} from './hours-declarations.dto';
import { HoursDeclarationsService } from './hours-declarations.service';

@ApiTags('school submissions')
@ApiBearerAuth()
@Controller('hours-declarations')
export class HoursDeclarationsController {
  constructor(private readonly declarations: HoursDeclarationsService) {}

  @Post()
  @Roles('SCHOOL')
  create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateHoursDeclarationDto,
  ): Promise<HoursDeclarationResponse> {
    return this.declarations.create(actor, dto);
  }

  /** A school sees its own hours declarations; AUDITOR, DUO and ADMIN see all, filterable by schoolId. */
  @Get()
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListHoursDeclarationsQuery,
  ): Promise<Page<HoursDeclarationResponse>> {
    return this.declarations.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: RecordIdParam): Promise<HoursDeclarationResponse> {
    return this.declarations.get(actor, id);
  }
}
