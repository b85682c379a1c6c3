import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import {
  RuleCodeParam,
  RuleResponse,
  RuleSimulationResponse,
  UpdatedRuleResponse,
  UpdateRuleDto,
} from './rules.dto';
import { RulesService } from './rules.service';

/** The rule catalogue: reviewers read it; auditors and admins change it. Schools read flags, not the rules. */
@ApiTags('checks and flags')
@ApiBearerAuth()
@Controller('rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  list(): Promise<RuleResponse[]> {
    return this.rules.list();
  }

  @Patch(':code')
  @Roles('AUDITOR', 'ADMIN')
  update(
    @CurrentActor() actor: Actor,
    @Param() { code }: RuleCodeParam,
    @Body() dto: UpdateRuleDto,
  ): Promise<UpdatedRuleResponse> {
    return this.rules.update(actor, code, dto);
  }

  /** What the change would do to the flags on the data as it stands; writes nothing. */
  @Post(':code/simulations')
  @HttpCode(200)
  @Roles('AUDITOR', 'ADMIN')
  simulate(@Param() { code }: RuleCodeParam, @Body() dto: UpdateRuleDto): Promise<RuleSimulationResponse> {
    return this.rules.simulate(code, dto);
  }
}
