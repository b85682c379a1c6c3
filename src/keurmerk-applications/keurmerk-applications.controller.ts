import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import {
  CreateKeurmerkApplicationDto,
  DecideKeurmerkApplicationDto,
  KeurmerkApplicationIdParam,
  KeurmerkApplicationResponse,
  ListKeurmerkApplicationsQuery,
} from './keurmerk-applications.dto';
import { KeurmerkApplicationsService } from './keurmerk-applications.service';

/** Keurmerk applications: Blik op Werk (AUDITOR) and ADMIN decide, DUO reads; a SCHOOL sees none (403). */
@ApiTags('supervision')
@ApiBearerAuth()
@Roles('AUDITOR', 'DUO', 'ADMIN')
@Controller('keurmerk-applications')
export class KeurmerkApplicationsController {
  constructor(private readonly applications: KeurmerkApplicationsService) {}

  @Post()
  @Roles('AUDITOR', 'ADMIN')
  create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateKeurmerkApplicationDto,
  ): Promise<KeurmerkApplicationResponse> {
    return this.applications.create(actor, dto);
  }

  @Get()
  list(@Query() query: ListKeurmerkApplicationsQuery): Promise<Page<KeurmerkApplicationResponse>> {
    return this.applications.list(query);
  }

  @Get(':id')
  get(@Param() { id }: KeurmerkApplicationIdParam): Promise<KeurmerkApplicationResponse> {
    return this.applications.get(id);
  }

  /** GRANTED writes the keurmerk event; REFUSED ends it. Once only (422 after). */
  @Post(':id/decision')
  @HttpCode(200)
  @Roles('AUDITOR', 'ADMIN')
  decide(
    @CurrentActor() actor: Actor,
    @Param() { id }: KeurmerkApplicationIdParam,
    @Body() dto: DecideKeurmerkApplicationDto,
  ): Promise<KeurmerkApplicationResponse> {
    return this.applications.decide(actor, id, dto);
  }
}
