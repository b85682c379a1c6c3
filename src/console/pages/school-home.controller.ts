import { Body, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { owningSchool } from '../../common/auth/tenancy';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators';
import {
  ConfirmationRequestIdParam,
  RespondToConfirmationRequestDto,
} from '../../exemptions/confirmation-requests.dto';
import { ConfirmationRequestsService } from '../../exemptions/confirmation-requests.service';
import { FlagsService } from '../../flags/flags.service';
import { SchoolsService } from '../../schools/schools.service';
import { seeOther } from '../console-error.filter';
import { ConsolePage } from '../console-page';
import { ConsoleSession } from '../console-session';
import { ConsoleView } from '../console-view';
import { formDto } from '../form';

/** A school's start page and its answers to DUO's confirmation requests (bevestigingsverzoeken). */
@ConsolePage(
  '',
  { label: 'Start', path: '/console/school', roles: ['SCHOOL'], order: 10 },
  { label: 'Bevestigingsverzoeken', path: '/console/confirmation-requests', roles: ['SCHOOL'], order: 20 },
)
@Roles('SCHOOL')
export class SchoolHomePageController {
  constructor(
    private readonly schools: SchoolsService,
    private readonly flags: FlagsService,
    private readonly requests: ConfirmationRequestsService,
    private readonly session: ConsoleSession,
    private readonly view: ConsoleView,
  ) {}

  @Get('school')
  async home(@CurrentActor() actor: Actor, @Req() req: Request): Promise<string> {
    const school = await this.schools.get(actor, owningSchool(actor));
    const [open, inReview, pending, hearings] = await Promise.all([
      this.flags.list(actor, { status: 'OPEN', page: 1, pageSize: 20 }),
      this.flags.list(actor, { status: 'IN_REVIEW', page: 1, pageSize: 20 }),
      this.requests.list(actor, { status: 'PENDING', page: 1, pageSize: 50 }),
      this.flags.list(actor, { hearing: 'OPEN', page: 1, pageSize: 50 }),
    ]);
    return this.view.page(req, 'school-home', school.name, {
      school,
      flags: [...inReview.items, ...open.items],
      flagsTotal: open.total + inReview.total,
      pending: pending.items,
      hearings: hearings.items,
    });
  }

  @Get('confirmation-requests')
  async confirmationRequests(@CurrentActor() actor: Actor, @Req() req: Request): Promise<string> {
    const page = await this.requests.list(actor, { page: 1, pageSize: 200 });
    return this.view.page(req, 'confirmation-requests', 'Bevestigingsverzoeken', { requests: page.items });
  }

  @Post('confirmation-requests/:id/response')
  async respond(
    @CurrentActor() actor: Actor,
    @Param() { id }: ConfirmationRequestIdParam,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { issued, note, ...rest } = body;
    const dto = await formDto(RespondToConfirmationRequestDto, {
      ...rest,
      issued: issued === 'true' ? true : issued === 'false' ? false : issued,
      ...(typeof note === 'string' && note.trim() !== '' ? { note } : {}),
    });
    await this.requests.respond(actor, id, dto);
    this.session.flash(
      req,
      'ok',
      dto.issued
        ? 'Uw antwoord is vastgelegd: de urenverklaring is door u afgegeven.'
        : 'Uw antwoord is vastgelegd: de urenverklaring is niet door u afgegeven. DUO weigert het verzoek en doet aangifte.',
    );
    seeOther(res, '/console/confirmation-requests');
  }
}
