import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import {
  AssignFlagDto,
  DecideFlagDto,
  DecisionApprovalDto,
  FlagDetailResponse,
  FlagIdParam,
  FlagResponse,
  FlagTimelineEntry,
  HearingResponseDto,
  ListFlagsQuery,
  RequestHearingDto,
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

  /** Confirming a HIGH flag is a proposal (202, `pendingDecision`) until a second reviewer approves it. */
  @Post(':id/decision')
  @HttpCode(200)
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  @ApiOkResponse({ type: FlagDetailResponse, description: 'Decided.' })
  @ApiAcceptedResponse({
    type: FlagDetailResponse,
    description: 'Proposed: awaits a second reviewer (four eyes).',
  })
  async decide(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() dto: DecideFlagDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlagDetailResponse> {
    const { proposed, flag } = await this.flags.decide(actor, id, dto);
    if (proposed) res.status(HttpStatus.ACCEPTED);
    return flag;
  }

  /** Four eyes: another reviewer than the proposer approves or rejects the proposed decision. */
  @Post(':id/decision/approval')
  @HttpCode(200)
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  approveDecision(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() dto: DecisionApprovalDto,
  ): Promise<FlagDetailResponse> {
    return this.flags.approveDecision(actor, id, dto);
  }

  /** Hoor en wederhoor: asks the flag's school for its view by a due date. */
  @Post(':id/hearing')
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  requestHearing(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() dto: RequestHearingDto,
  ): Promise<FlagDetailResponse> {
    return this.flags.requestHearing(actor, id, dto);
  }

  /** The school's view (zienswijze) on a flag on its own records; once. */
  @Post(':id/hearing/response')
  @Roles('SCHOOL')
  respondToHearing(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() dto: HearingResponseDto,
  ): Promise<FlagDetailResponse> {
    return this.flags.respondToHearing(actor, id, dto);
  }

  /** Every step of the flag's case, oldest first. */
  @Get(':id/timeline')
  timeline(@CurrentActor() actor: Actor, @Param() { id }: FlagIdParam): Promise<FlagTimelineEntry[]> {
    return this.flags.timeline(actor, id);
  }
}
