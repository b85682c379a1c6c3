import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import {
  ConfirmationRequestIdParam,
  ConfirmationRequestResponse,
  ListConfirmationRequestsQuery,
  RespondToConfirmationRequestDto,
} from './confirmation-requests.dto';
import { ConfirmationRequestsService } from './confirmation-requests.service';

/** DUO asks a school whether it issued a declaration; the school answers its own requests only. */
@ApiTags('exemptions')
@ApiBearerAuth()
@Controller('confirmation-requests')
export class ConfirmationRequestsController {
  constructor(private readonly requests: ConfirmationRequestsService) {}

  @Get()
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListConfirmationRequestsQuery,
  ): Promise<Page<ConfirmationRequestResponse>> {
    return this.requests.list(actor, query);
  }

  @Post(':id/response')
  @HttpCode(200)
  @Roles('SCHOOL')
  respond(
    @CurrentActor() actor: Actor,
    @Param() { id }: ConfirmationRequestIdParam,
    @Body() dto: RespondToConfirmationRequestDto,
  ): Promise<ConfirmationRequestResponse> {
    return this.requests.respond(actor, id, dto);
  }
}
