import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import {
  CreateSignalDto,
  ListSignalsQuery,
  SignalActionDto,
  SignalDetailResponse,
  SignalIdParam,
  SignalResponse,
} from './signals.dto';
import { SignalsService } from './signals.service';

/** Signals (meldingen) of possible misuse: supervision staff only; a SCHOOL sees none of it (403). */
@ApiTags('supervision')
@ApiBearerAuth()
@Roles('AUDITOR', 'DUO', 'ADMIN')
@Controller('signals')
export class SignalsController {
  constructor(private readonly signals: SignalsService) {}

  @Post()
  create(@CurrentActor() actor: Actor, @Body() dto: CreateSignalDto): Promise<SignalDetailResponse> {
    return this.signals.create(actor, dto);
  }

  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListSignalsQuery): Promise<Page<SignalResponse>> {
    return this.signals.list(actor, query);
  }

  /** A signal with its timeline (oldest first) and the flags linked to it. */
  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: SignalIdParam): Promise<SignalDetailResponse> {
    return this.signals.get(actor, id);
  }

  /** A triage step: LINK_FLAG {flagId}, SHARE {with}, REFER_TO_NLA, CLOSE {outcome}; none after CLOSE (422). */
  @Post(':id/actions')
  @HttpCode(200)
  act(
    @CurrentActor() actor: Actor,
    @Param() { id }: SignalIdParam,
    @Body() dto: SignalActionDto,
  ): Promise<SignalDetailResponse> {
    return this.signals.act(actor, id, dto);
  }
}
