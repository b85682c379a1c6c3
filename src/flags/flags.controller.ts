import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import {
  AssignFlagDto,
  DecideFlagDto,
  FlagDetailResponse,
  FlagIdParam,
  FlagResponse,
  ListFlagsQuery,
} from './flags.dto';
import { FlagsService } from './flags.service';

@ApiTags('checks and flags')
@ApiBearerAuth()
@Controller('flags')
export class FlagsController {
  constructor(private readonly flags: FlagsService) {}

  /** Flags by severity (HIGH first), then age (oldest first). A school sees only the flags on its own records. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListFlagsQuery): Promise<Page<FlagResponse>> {
    return this.flags.list(actor, query);
  }

  /** A flag with its history: raised, re-confirmed, assigned, decided, withdrawn. */
  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: FlagIdParam): Promise<FlagDetailResponse> {
    return this.flags.get(actor, id);
  }

  @Post(':id/assignment')
  @HttpCode(200)
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  assign(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() dto: AssignFlagDto,
  ): Promise<FlagDetailResponse> {
    return this.flags.assign(actor, id, dto);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  decide(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() dto: DecideFlagDto,
  ): Promise<FlagDetailResponse> {
    return this.flags.decide(actor, id, dto);
  }
}
