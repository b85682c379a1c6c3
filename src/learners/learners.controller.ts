import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import { LearnerIdParam, LearnerResponse, ListLearnersQuery } from './learners.dto';
import { LearnersService } from './learners.service';

@ApiTags('DUO data')
@ApiBearerAuth()
@Controller('learners')
@Roles('DUO', 'AUDITOR', 'ADMIN')
export class LearnersController {
  constructor(private readonly learners: LearnersService) {}

  /** Learners, optionally found by BSN (matched through the blind index). The full BSN shows to DUO only. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListLearnersQuery): Promise<Page<LearnerResponse>> {
    return this.learners.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: LearnerIdParam): Promise<LearnerResponse> {
    return this.learners.get(actor, id);
  }
}
