import { Body, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Actor } from '../../common/auth/actor';
import { CurrentActor, Roles } from '../../common/auth/auth.decorators';
import {
  AssignFlagDto,
  DecideFlagDto,
  DecisionApprovalDto,
  FlagIdParam,
  HearingResponseDto,
  ListFlagsQuery,
  RequestHearingDto,
} from '../../flags/flags.dto';
import { amsterdamToday } from '../../common/calendar';
import { FLAG_STATUSES, SEVERITIES } from '../../flags/flag.entity';
import { FlagsService } from '../../flags/flags.service';
import { RulesService } from '../../rules/rules.service';
import { SchoolsService } from '../../schools/schools.service';
import { UsersService } from '../../users/users.service';
import { ConsolePage, REVIEWERS } from '../console-page';
import { ConsoleSession } from '../console-session';
import { ConsoleView } from '../console-view';
import { csvDownload } from '../csv-download';
import { evidenceTables } from '../evidence';
import { filledFields, formDto, pageQuery, renderList } from '../form';

/** The largest CSV download of a list: the filtered view, not the whole table. */
const CSV_MAX_ROWS = 10_000;

/**
 * Werkvoorraad (reviewers) and Mijn signaleringen (a school: its own flags, redacted as in the API),
 * and a flag's page (Signalering) with its evidence, timeline and the review actions the role may take.
 */
@ConsolePage(
  'flags',
  { label: 'Werkvoorraad', roles: REVIEWERS, order: 10 },
  { label: 'Mijn signaleringen', roles: ['SCHOOL'], order: 30 },
)
export class FlagsPageController {
  constructor(
    private readonly flags: FlagsService,
    private readonly rules: RulesService,
    private readonly schools: SchoolsService,
    private readonly users: UsersService,
    private readonly session: ConsoleSession,
    private readonly view: ConsoleView,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    return renderList(ListFlagsQuery, req, res, async (query) => {
      // What the filters offer does not depend on the page: read it meanwhile.
      const choices = Promise.all([
        this.rules.list(),
        actor.role === 'SCHOOL' ? [] : this.schools.directory(),
      ]);
      const page = await this.flags.list(actor, query);
      const [schoolNames, assignees, [rules, schools]] = await Promise.all([
        this.schools.namesOf(page.items.map((flag) => flag.schoolId)),
        actor.role === 'SCHOOL'
          ? new Map<string, string>()
          : this.users.emailsOf(page.items.map((f) => f.assigneeId)),
        choices,
      ]);
      return this.view.page(req, 'flags', actor.role === 'SCHOOL' ? 'Mijn signaleringen' : 'Werkvoorraad', {
        page,
        query,
        schoolNames,
        assignees,
        ruleCodes: rules.map((rule) => rule.code),
        schools,
        severities: SEVERITIES,
        statuses: FLAG_STATUSES,
        csvUrl: `/console/flags/download.csv${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`,
      });
    });
  }

  @Get('download.csv')
  async csv(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { query } = await pageQuery(ListFlagsQuery, req);
    const rows = [];
    for (let page = 1; rows.length < CSV_MAX_ROWS; page++) {
      const batch = await this.flags.list(actor, { ...query, page, pageSize: 500 });
      rows.push(...batch.items);
      if (batch.items.length < 500) break;
    }
    const schoolNames = await this.schools.namesOf(rows.map((flag) => flag.schoolId));
    csvDownload(
      res,
      'signaleringen.csv',
      [
        'id',
        'regel',
        'ernst',
        'status',
        'school',
        'onderwerp',
        'onderwerpId',
        'periodeVan',
        'periodeTot',
        'gesignaleerd',
        'toelichting',
      ],
      rows.slice(0, CSV_MAX_ROWS).map((flag) => ({
        id: flag.id,
        regel: flag.rule,
        ernst: flag.severity,
        status: flag.status,
        school: flag.schoolId ? (schoolNames.get(flag.schoolId) ?? flag.schoolId) : '',
        onderwerp: flag.subjectType,
        onderwerpId: flag.subjectId,
        periodeVan: flag.period?.from ?? '',
        periodeTot: flag.period?.to ?? '',
        gesignaleerd: flag.raisedAt.toISOString(),
        toelichting: flag.explanation,
      })),
    );
  }

  @Get(':id')
  async show(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Req() req: Request,
  ): Promise<string> {
    const [flag, timeline] = await Promise.all([this.flags.get(actor, id), this.flags.timeline(actor, id)]);
    const records = (flag.evidence as { records?: { schoolId?: string | null }[] }).records ?? [];
    const [schoolNames, people, rules] = await Promise.all([
      this.schools.namesOf([flag.schoolId, ...records.map((record) => record.schoolId ?? null)]),
      // A school's timeline names only its own users; reviewers see who assigned, proposed and decided.
      this.users.emailsOf([
        ...timeline.map((e) => e.by),
        ...(actor.role === 'SCHOOL' ? [] : [flag.assigneeId, flag.pendingDecision?.proposedBy ?? null]),
      ]),
      this.rules.list(),
    ]);
    const reviewer = REVIEWERS.includes(actor.role);
    const open = flag.status === 'OPEN' || flag.status === 'IN_REVIEW';
    const today = amsterdamToday();
    const hearing = flag.hearing;
    // The same gates as the API's (which refuses anyway): a button the user may not use is not drawn.
    const heard = hearing !== null && (hearing.respondedAt !== null || hearing.dueOn < today);
    const confirmNeedsHearing = flag.severity === 'HIGH' && flag.schoolId !== null && !heard;
    const pending = flag.pendingDecision;
    return this.view.page(req, 'flag', `Signalering ${flag.rule}`, {
      flag,
      timeline,
      rule: rules.find((rule) => rule.code === flag.rule),
      schoolName: flag.schoolId ? schoolNames.get(flag.schoolId) : undefined,
      schoolNames,
      people,
      today,
      evidence: evidenceTables(flag.evidence),
      confirmNeedsHearing,
      can: {
        assign: reviewer && open && flag.assigneeId !== actor.id,
        askHearing: reviewer && open && flag.schoolId !== null && hearing === null,
        decide: reviewer && open && !pending,
        confirm: !confirmNeedsHearing,
        approve: reviewer && open && pending !== undefined && pending.proposedBy !== actor.id,
        answerHearing:
          actor.role === 'SCHOOL' &&
          open &&
          hearing !== null &&
          hearing.respondedAt === null &&
          hearing.dueOn >= today,
      },
    });
  }

  @Post(':id/assignment')
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  async assign(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.flags.assign(actor, id, new AssignFlagDto());
    this.session.done(req, res, `/console/flags/${id}`, 'De signalering is aan u toegewezen.');
  }

  @Post(':id/decision')
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  async decide(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const dto = await formDto(DecideFlagDto, body);
    const { proposed } = await this.flags.decide(actor, id, dto);
    this.session.done(
      req,
      res,
      `/console/flags/${id}`,
      proposed
        ? 'Uw besluit is voorgesteld; een tweede beoordelaar moet het goedkeuren.'
        : `De signalering is ${dto.outcome === 'CONFIRMED' ? 'bevestigd' : 'afgewezen'}.`,
    );
  }

  @Post(':id/hearing')
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  async requestHearing(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.flags.requestHearing(actor, id, await formDto(RequestHearingDto, body));
    this.session.done(req, res, `/console/flags/${id}`, 'De school is om haar zienswijze gevraagd.');
  }

  @Post(':id/hearing/response')
  @Roles('SCHOOL')
  async respondToHearing(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.flags.respondToHearing(actor, id, await formDto(HearingResponseDto, body));
    this.session.done(req, res, `/console/flags/${id}`, 'Uw zienswijze is ingediend.');
  }

  @Post(':id/decision/approval')
  @Roles('AUDITOR', 'DUO', 'ADMIN')
  async approveDecision(
    @CurrentActor() actor: Actor,
    @Param() { id }: FlagIdParam,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // A form sends text: the button's value becomes the API's boolean, an empty optional field no field at all.
    const { approved, ...rest } = filledFields(body);
    const dto = await formDto(DecisionApprovalDto, {
      ...rest,
      approved: approved === 'true' ? true : approved === 'false' ? false : approved,
    });
    await this.flags.approveDecision(actor, id, dto);
    this.session.done(
      req,
      res,
      `/console/flags/${id}`,
      dto.approved ? 'Het besluit is goedgekeurd.' : 'Het besluit is afgekeurd.',
    );
  }
}
