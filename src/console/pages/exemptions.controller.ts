import { Body, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators';
import { EXEMPTION_GROUNDS, EXEMPTION_STATUSES, ExemptionStatus } from '../../exemptions/exemption.entity';
import {
  CreateExemptionDto,
  ExemptionAction,
  ExemptionActionDto,
  ExemptionIdParam,
  ListExemptionsQuery,
  PresentedMatch,
} from '../../exemptions/exemptions.dto';
import { ExemptionsService } from '../../exemptions/exemptions.service';
import { FlagsService } from '../../flags/flags.service';
import { DECLARATION_PURPOSES } from '../../hours-declarations/hours-declaration.entity';
import { SchoolsService } from '../../schools/schools.service';
import { UsersService } from '../../users/users.service';
import { seeOther } from '../console-error.filter';
import { ConsolePage, REVIEWERS } from '../console-page';
import { ConsoleSession } from '../console-session';
import { ConsoleView } from '../console-view';
import { csvDownload } from '../csv-download';
import { formDecimal, formDto, formRows, pageQuery, renderList } from '../form';
import { label } from '../labels';

/** The actions DOMAIN.md's workflow allows in each status (API.md "Exemptions"); the service refuses the rest. */
export const ACTIONS_BY_STATUS: Record<ExemptionStatus, readonly ExemptionAction[]> = {
  AWAITING_SCHOOL: ['REQUEST_LEARNER_EVIDENCE'],
  READY_FOR_DECISION: ['REQUEST_LEARNER_EVIDENCE', 'ANNOUNCE_INTENDED_REFUSAL', 'GRANT', 'REFUSE'],
  AWAITING_LEARNER_EVIDENCE: ['RECORD_LEARNER_EVIDENCE'],
  INTENDED_REFUSAL: ['GRANT', 'REFUSE'],
  GRANTED: [],
  REFUSED: [],
};

const BUTTONS: Record<ExemptionAction, string> = {
  REQUEST_LEARNER_EVIDENCE: 'Bewijs vragen aan de inburgeraar',
  RECORD_LEARNER_EVIDENCE: 'Bewijs vastleggen',
  ANNOUNCE_INTENDED_REFUSAL: 'Voornemen tot weigering',
  GRANT: 'Ontheffing verlenen',
  REFUSE: 'Ontheffing weigeren',
};

/** How many presented declarations (overgelegde urenverklaringen) the register form offers; empty rows are ignored. */
export const PRESENTED_ROWS = 3;
const PRESENTED_FIELDS = ['schoolKvk', 'purpose', 'periodStart', 'periodEnd', 'hours', 'issuedOn'] as const;

/** Ontheffingen: DUO's exemption requests, their declarations and flags, timeline and next steps. */
@ConsolePage('exemptions', { label: 'Ontheffingen', roles: REVIEWERS, order: 20 })
@Roles('AUDITOR', 'DUO', 'ADMIN')
export class ExemptionsPageController {
  constructor(
    private readonly exemptions: ExemptionsService,
    private readonly flags: FlagsService,
    private readonly schools: SchoolsService,
    private readonly users: UsersService,
    private readonly session: ConsoleSession,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    return renderList(ListExemptionsQuery, req, res, async (query) => {
      const page = await this.exemptions.list(actor, query);
      return this.view.page(req, 'exemptions', 'Ontheffingen', {
        page,
        query,
        statuses: EXEMPTION_STATUSES,
        grounds: EXEMPTION_GROUNDS,
        purposes: DECLARATION_PURPOSES,
        presentedRows: PRESENTED_ROWS,
        canCreate: actor.role === 'DUO',
      });
    });
  }

  @Get('download.csv')
  async csv(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { query } = await pageQuery(ListExemptionsQuery, req);
    const page = await this.exemptions.list(actor, { ...query, page: 1, pageSize: 500 });
    csvDownload(
      res,
      'ontheffingen.csv',
      ['id', 'status', 'grond', 'inburgeraar', 'uren', 'aangevraagdOp'],
      page.items.map((e) => ({
        id: e.id,
        status: e.status,
        grond: e.grounds,
        inburgeraar: e.bsnMasked,
        uren: e.totalHours,
        aangevraagdOp: e.requestedOn,
      })),
    );
  }

  @Post()
  @Roles('DUO')
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const ids =
      typeof body.declarationIds === 'string' ? body.declarationIds.split(/[\s,]+/).filter(Boolean) : [];
    const attempts =
      typeof body.examAttempts === 'string' && body.examAttempts !== ''
        ? Number(body.examAttempts)
        : undefined;
    const presented = formRows(body, 'presentedDeclarations', PRESENTED_FIELDS, PRESENTED_ROWS).map(
      (row) => ({ ...row, hours: formDecimal(row.hours) }),
    );
    const dto = await formDto(CreateExemptionDto, {
      _csrf: body._csrf,
      learnerBsn: body.learnerBsn,
      grounds: body.grounds,
      declarationIds: ids,
      ...(presented.length > 0 ? { presentedDeclarations: presented } : {}),
      ...(attempts === undefined ? {} : { examAttempts: attempts }),
    });
    const created = await this.exemptions.create(actor, dto);
    this.session.flash(
      req,
      'ok',
      `Het ontheffingsverzoek is geregistreerd: ${label('exemptionStatus', created.status)}.`,
    );
    seeOther(res, `/console/exemptions/${created.id}`);
  }

  @Get(':id')
  async show(
    @CurrentActor() actor: Actor,
    @Param() { id }: ExemptionIdParam,
    @Req() req: Request,
  ): Promise<string> {
    // The declarations as the workflow sees them: source, match with the register, contract known at DUO.
    const exemption = await this.exemptions.get(actor, id);
    const declarations = await Promise.all(
      exemption.declarations.map(async (declaration) => ({
        declaration,
        // In its school's register exactly when it is the school's own (a presented one that matched became that one).
        register: (declaration.source === 'SCHOOL'
          ? 'REGISTERED'
          : 'NOT_REGISTERED') satisfies PresentedMatch,
        flags: (await this.flags.list(actor, { subjectId: declaration.id, page: 1, pageSize: 50 })).items,
      })),
    );
    const [schoolNames, people] = await Promise.all([
      this.schools.namesOf([
        ...exemption.declarations.map((d) => d.schoolId),
        ...exemption.confirmationRequests.map((r) => r.schoolId),
      ]),
      this.users.emailsOf(exemption.timeline.map((entry) => entry.by)),
    ]);
    const actions = actor.role === 'DUO' ? ACTIONS_BY_STATUS[exemption.status] : [];
    return this.view.page(req, 'exemption', 'Ontheffingsverzoek', {
      exemption,
      declarations,
      schoolNames,
      people,
      actions: actions.map((action) => ({ action, button: BUTTONS[action] })),
    });
  }

  @Post(':id/actions')
  @Roles('DUO')
  async act(
    @CurrentActor() actor: Actor,
    @Param() { id }: ExemptionIdParam,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { verified, reason, ...rest } = body;
    const dto = await formDto(ExemptionActionDto, {
      ...rest,
      ...(typeof reason === 'string' && reason.trim() !== '' ? { reason } : {}),
      ...(verified === 'true' || verified === 'false' ? { verified: verified === 'true' } : {}),
    });
    const after = await this.exemptions.act(actor, id, dto);
    this.session.flash(req, 'ok', `Vastgelegd. De status is nu: ${label('exemptionStatus', after.status)}.`);
    seeOther(res, `/console/exemptions/${id}`);
  }
}
