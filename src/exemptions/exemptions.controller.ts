import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import {
  CreateExemptionDto,
  ExemptionActionDto,
  ExemptionCreatedResponse,
  ExemptionIdParam,
  ExemptionResponse,
  ExemptionSummaryResponse,
  ListExemptionsQuery,
} from './exemptions.dto';
import { ExemptionsService } from './exemptions.service';

/** Exemptions (ontheffingen): DUO registers and decides; AUDITOR and ADMIN read; a SCHOOL sees none of it. */
@ApiTags('exemptions')
@ApiBearerAuth()
@Controller('exemptions')
export class ExemptionsController {
  constructor(private readonly exemptions: ExemptionsService) {}

  @Post()
  @Roles('DUO')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateExemptionDto): Promise<ExemptionCreatedResponse> {
    return this.exemptions.create(actor, dto);
  }

  @Get()
  @Roles('DUO', 'AUDITOR', 'ADMIN')
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListExemptionsQuery,
  ): Promise<Page<ExemptionSummaryResponse>> {
    return this.exemptions.list(actor, query);
  }

  @Get(':id')
  @Roles('DUO', 'AUDITOR', 'ADMIN')
  get(@CurrentActor() actor: Actor, @Param() { id }: ExemptionIdParam): Promise<ExemptionResponse> {
    return this.exemptions.get(actor, id);
  }

  /** Moves the workflow of DOMAIN.md; an action the current status does not allow is a 422. */
  @Post(':id/actions')
  @HttpCode(200)
  @Roles('DUO')
  act(
    @CurrentActor() actor: Actor,
    @Param() { id }: ExemptionIdParam,
    @Body() dto: ExemptionActionDto,
  ): Promise<ExemptionResponse> {
    return this.exemptions.act(actor, id, dto);
  }
}
