import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { CreateInspectionDto, InspectionResponse, InspectionSchoolParam } from './inspections.dto';
import { InspectionsService } from './inspections.service';

/** Inspections: Blik op Werk (AUDITOR) and ADMIN record them, DUO reads; a SCHOOL sees none (403). */
@ApiTags('supervision')
@ApiBearerAuth()
@Roles('AUDITOR', 'DUO', 'ADMIN')
@Controller('schools/:id/inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Post()
  @Roles('AUDITOR', 'ADMIN')
  create(
    @CurrentActor() actor: Actor,
    @Param() { id }: InspectionSchoolParam,
    @Body() dto: CreateInspectionDto,
  ): Promise<InspectionResponse> {
    return this.inspections.create(actor, id, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Param() { id }: InspectionSchoolParam): Promise<InspectionResponse[]> {
    return this.inspections.list(actor, id);
  }
}
