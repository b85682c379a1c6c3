import { Body, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators';
import { ValidationProblem } from '../../common/errors/problems';
import { SEVERITIES } from '../../flags/flag.entity';
import { RuleCodeParam, UpdateRuleDto } from '../../rules/rules.dto';
import { RulesService } from '../../rules/rules.service';
import { seeOther } from '../console-error.filter';
import { ConsolePage, REVIEWERS } from '../console-page';
import { ConsoleSession } from '../console-session';
import { ConsoleView } from '../console-view';
import { formDto } from '../form';

/** Regels: the rule catalogue with each rule's severity and parameters; auditors change them here. */
@ConsolePage('rules', { label: 'Regels', roles: REVIEWERS, order: 50 })
@Roles('AUDITOR', 'DUO', 'ADMIN')
export class RulesPageController {
  constructor(
    private readonly rules: RulesService,
    private readonly session: ConsoleSession,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Req() req: Request): Promise<string> {
    return this.view.page(req, 'rules', 'Regels', {
      rules: await this.rules.list(),
      severities: SEVERITIES,
      canChange: actor.role === 'AUDITOR' || actor.role === 'ADMIN',
    });
  }

  /** A change is first simulated: the page shows what it would do, and saving it is one button there. */
  @Post(':code/simulation')
  @Roles('AUDITOR', 'ADMIN')
  async simulate(
    @Param() { code }: RuleCodeParam,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
  ): Promise<string> {
    const change = await changeFromForm(body);
    const simulation = await this.rules.simulate(code, change);
    return this.view.page(req, 'rule-simulation', `Simulatie van ${code}`, {
      simulation,
      form: {
        enabled: String(simulation.rule.enabled),
        severity: simulation.rule.severity,
        parameters: JSON.stringify(change.parameters),
      },
    });
  }

  @Post(':code')
  @Roles('AUDITOR', 'ADMIN')
  async change(
    @CurrentActor() actor: Actor,
    @Param() { code }: RuleCodeParam,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const updated = await this.rules.update(actor, code, await changeFromForm(body));
    this.session.flash(
      req,
      'ok',
      `Regel ${updated.code} is gewijzigd${updated.checkRunId ? '; alles wordt opnieuw gecontroleerd' : ''}.`,
    );
    seeOther(res, `/console/rules#${updated.code}`);
  }
}

/** The change form's fields as PATCH /rules/{code} reads them. */
function changeFromForm(body: Record<string, unknown>): Promise<UpdateRuleDto> {
  return formDto(UpdateRuleDto, {
    enabled: body.enabled === 'true',
    severity: body.severity,
    parameters: parseParameters(body.parameters),
  });
}

function parseParameters(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || text.length > 20_000)
    throw new ValidationProblem([{ name: 'parameters', reason: 'must be a JSON object' }]);
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ValidationProblem([{ name: 'parameters', reason: 'must be a JSON object' }]);
}
