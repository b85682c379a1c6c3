import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { CheckRunIdParam, CheckRunResponse, StartCheckRunDto } from './check-runs.dto';
import { CheckRunsService } from './check-runs.service';

@ApiTags('checks and flags')
@ApiBearerAuth()
@Controller('check-runs')
@Roles('AUDITOR', 'DUO', 'ADMIN')
export class CheckRunsController {
  constructor(private readonly checkRuns: CheckRunsService) {}

  /** Re-checks everything (or one school) against all rules, in the background. */
  @Post()
  @HttpCode(202)
  start(@CurrentActor() actor: Actor, @Body() dto: StartCheckRunDto): Promise<{ id: string }> {
    return this.checkRuns.start(actor, dto, 'MANUAL');
  }

  @Get(':id')
  get(@Param() { id }: CheckRunIdParam): Promise<CheckRunResponse> {
    return this.checkRuns.get(id);
  }
}
