import { Body, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators';
import { SchoolsService } from '../../schools/schools.service';
import {
  SHARE_PARTNERS,
  SIGNAL_CATEGORIES,
  SIGNAL_OUTCOMES,
  SIGNAL_RECEIVERS,
  SIGNAL_SOURCES,
  SIGNAL_STATUSES,
} from '../../signals/signal.entity';
import { CreateSignalDto, ListSignalsQuery, SignalActionDto, SignalIdParam } from '../../signals/signals.dto';
import { SignalsService } from '../../signals/signals.service';
import { UsersService } from '../../users/users.service';
import { ConsolePage, REVIEWERS } from '../console-page';
import { ConsoleSession } from '../console-session';
import { ConsoleView } from '../console-view';
import { filledFields, formDto, renderList } from '../form';
import { label } from '../labels';

/** Meldingen: signals of possible misuse, registered and triaged by Blik op Werk, DUO and the NLA's contacts. */
@ConsolePage('signals', { label: 'Meldingen', roles: REVIEWERS, order: 25 })
@Roles('AUDITOR', 'DUO', 'ADMIN')
export class SignalsPageController {
  constructor(
    private readonly signals: SignalsService,
    private readonly schools: SchoolsService,
    private readonly users: UsersService,
    private readonly session: ConsoleSession,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    return renderList(ListSignalsQuery, req, res, async (query) => {
      const [page, schools] = await Promise.all([this.signals.list(actor, query), this.schools.directory()]);
      return this.view.page(req, 'signals', 'Meldingen', {
        page,
        query,
        schools,
        schoolNames: new Map(schools.map((s) => [s.id, s.name])),
        choices: {
          statuses: SIGNAL_STATUSES,
          receivers: SIGNAL_RECEIVERS,
          sources: SIGNAL_SOURCES,
          categories: SIGNAL_CATEGORIES,
        },
      });
    });
  }

  @Post()
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const created = await this.signals.create(actor, await formDto(CreateSignalDto, filledFields(body)));
    this.session.done(req, res, `/console/signals/${created.id}`, 'De melding is geregistreerd.');
  }

  @Get(':id')
  async show(
    @CurrentActor() actor: Actor,
    @Param() { id }: SignalIdParam,
    @Req() req: Request,
  ): Promise<string> {
    const signal = await this.signals.get(actor, id);
    const [schoolNames, people] = await Promise.all([
      this.schools.namesOf([signal.schoolId]),
      this.users.emailsOf(signal.timeline.map((entry) => entry.by)),
    ]);
    return this.view.page(req, 'signal', 'Melding', {
      signal,
      schoolName: signal.schoolId ? schoolNames.get(signal.schoolId) : undefined,
      people,
      open: signal.status !== 'CLOSED',
      partners: SHARE_PARTNERS,
      outcomes: SIGNAL_OUTCOMES,
    });
  }

  /** One triage step; the form's button names the action, its own field (flag, partner, outcome) goes with it. */
  @Post(':id/actions')
  async act(
    @CurrentActor() actor: Actor,
    @Param() { id }: SignalIdParam,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const dto = await formDto(SignalActionDto, filledFields(body));
    const after = await this.signals.act(actor, id, dto);
    this.session.done(
      req,
      res,
      `/console/signals/${id}`,
      `Vastgelegd. De melding is nu: ${label('signalStatus', after.status)}.`,
    );
  }
}
