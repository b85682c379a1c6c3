import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../common/auth/actor';
import { BsnCryptoService } from '../common/bsn/bsn-crypto.service';
import { amsterdamToday } from '../common/calendar';
import { NotFoundProblem, RuleViolationProblem, ValidationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { AuditService } from '../audit/audit.service';
import { DeclarationSource } from '../hours-declarations/hours-declaration.entity';
import { LearnersService } from '../learners/learners.service';
import { PendingChecks } from '../queue/pending-checks';
import { ruleParameters } from '../rules/catalogue/rule-parameters';
import { Exemption, ExemptionStatus } from './exemption.entity';
import { exemptionTransition, EXEMPTION_TRANSITIONS } from './exemption-transitions';
import { blockerReasons, declarationStanding, ExemptionWorkflow, route } from './exemption-workflow.service';
import {
  CreateExemptionDto,
  ExemptionDeclarationView,
  PresentedDeclarationDto,
  PresentedDeclarationResponse,
  ExemptionActionDto,
  ExemptionCreatedResponse,
  ExemptionResponse,
  ExemptionSummaryResponse,
  ListExemptionsQuery,
} from './exemptions.dto';

/** AGI (Wi2013): at least 600 course hours and 3 exam attempts, 4 for requests filed before 2023-04-01. */
const AGI_MIN_HOURS = 600;
const AGI_STRICTER_BEFORE = '2023-04-01';
const agiRequiredAttempts = (requestedOn: string): number => (requestedOn < AGI_STRICTER_BEFORE ? 4 : 3);

interface ExemptionRow {
  id: string;
  status: ExemptionStatus;
  grounds: Exemption['grounds'];
  learner_id: string;
  bsn_last4: string;
  bsn_ciphertext?: Buffer;
  declaration_ids: string[];
  total_hours: string;
  exam_attempts: number | null;
  requested_on: string;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class ExemptionsService {
  private readonly logger = new Logger(ExemptionsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly workflow: ExemptionWorkflow,
    private readonly learners: LearnersService,
    private readonly crypto: BsnCryptoService,
    private readonly audit: AuditService,
    private readonly pendingChecks: PendingChecks,
  ) {}

  /**
   * Registers a request (DOMAIN.md "The exemption workflow", steps 1 to 3): the presented declarations are matched
   * against their schools' registers (the registered one is used) or recorded as PRESENTED (and checked in the
   * background like any record); then the request is routed on what is known now: READY_FOR_DECISION, the schools
   * concerned asked (AWAITING_SCHOOL, one confirmation request each), or the learner (AWAITING_LEARNER_EVIDENCE).
   */
  async create(actor: Actor, dto: CreateExemptionDto): Promise<ExemptionCreatedResponse> {
    const today = amsterdamToday();
    const requestedOn = dto.requestedOn ?? today;
    if (requestedOn > today)
      throw new RuleViolationProblem('requestedOn may not lie in the future.', 'requestedOn');
    const givenIds = dto.declarationIds ?? [];
    const presented = dto.presentedDeclarations ?? [];
    presented.forEach((p, i) => {
      if (p.periodEnd < p.periodStart)
        throw new RuleViolationProblem(
          'periodEnd must be on or after periodStart.',
          `presentedDeclarations.${i}.periodEnd`,
        );
    });
    const response = await this.dataSource.transaction(async (manager) => {
      const learnerId =
        presented.length > 0
          ? await this.learners.resolveId(manager, dto.learnerBsn)
          : await this.findLearner(manager, dto.learnerBsn);
      // One registration at a time per learner: a declaration presented twice at once is recorded once.
      await manager.query(`SELECT 1 FROM learners WHERE id = $1 FOR UPDATE`, [learnerId]);
      await this.requireUsableDeclarations(manager, learnerId, givenIds);
      const matches = await this.matchPresented(manager, actor, learnerId, presented);
      const declarationIds = [...new Set([...givenIds, ...matches.map((m) => m.declarationId)])];
      await this.requireUsableDeclarations(manager, learnerId, declarationIds);
      if (matches.length > 0) await this.pendingChecks.markLearners(manager, [learnerId]);

      const standings = await this.workflow.standings(manager, declarationIds, today);
      const next = route(standings);
      const [{ id }]: { id: string }[] = await manager.query(
        `INSERT INTO exemptions (learner_id, grounds, status, exam_attempts, requested_on, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [learnerId, dto.grounds, next.status, dto.examAttempts ?? null, requestedOn, actor.id],
      );
      const presentedAs = new Map(matches.map((m) => [m.declarationId, m.match]));
      await manager.query(
        `INSERT INTO exemption_declarations (exemption_id, declaration_id, presented_as)
         SELECT $1, i.id, i.presented_as FROM unnest($2::uuid[], $3::text[]) AS i(id, presented_as)`,
        [id, declarationIds, declarationIds.map((d) => presentedAs.get(d) ?? null)],
      );
      const requests =
        next.status === 'AWAITING_SCHOOL'
          ? await this.requestConfirmations(manager, actor, id, next.declarationsBySchool, today)
          : [];
      await this.workflow.record(manager, actor, id, null, {
        action: 'REGISTER',
        status: next.status,
        reason: next.status === 'AWAITING_LEARNER_EVIDENCE' ? next.reason : null,
        details: {
          declarationIds,
          presentedDeclarations: matches.map((m) => ({ declarationId: m.declarationId, match: m.match })),
          withoutDuoContract: standings.filter((st) => !st.backed).map((st) => st.declaration_id),
          notRegistered: standings.filter((st) => !st.registered).map((st) => st.declaration_id),
          confirmationRequestIds: requests,
        },
      });
      return { id, status: next.status, declarationIds, presentedDeclarations: matches };
    });
    await this.pendingChecks.kick();
    return response;
  }

  async list(actor: Actor, query: ListExemptionsQuery): Promise<Page<ExemptionSummaryResponse>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status) where.push(`e.status = $${params.push(query.status)}`);
    if (query.learnerId) where.push(`e.learner_id = $${params.push(query.learnerId)}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM exemptions e ${filter}`,
      params,
    );
    const rows = await this.rows(
      actor,
      `${filter} ORDER BY e.created_at DESC, e.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, (query.page - 1) * query.pageSize],
    );
    return pageOf(
      rows.map((row) => this.summary(actor, row)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<ExemptionResponse> {
    const [row] = await this.rows(actor, 'WHERE e.id = $1', [id]);
    if (!row) throw new NotFoundProblem('Exemption');
    const [declarations, requests, timeline] = await Promise.all([
      this.declarations(id),
      this.dataSource.query(
        `SELECT r.id, array_agg(c.declaration_id ORDER BY c.declaration_id) AS "declarationIds", r.school_id AS "schoolId",
                r.status, to_char(r.due_on, 'YYYY-MM-DD') AS "dueOn", r.issued, r.note, r.responded_at AS "respondedAt"
           FROM confirmation_requests r JOIN confirmation_request_declarations c ON c.confirmation_request_id = r.id
          WHERE r.exemption_id = $1 GROUP BY r.id ORDER BY r.created_at, r.id`,
        [id],
      ),
      this.dataSource.query(
        `SELECT at, action, actor_id AS by, reason, status_after AS "statusAfter", details
           FROM exemption_timeline WHERE exemption_id = $1 ORDER BY at, id`,
        [id],
      ),
    ]);
    return { ...this.summary(actor, row), declarations, confirmationRequests: requests, timeline };
  }

  /** The request's declarations with what step 3 looks at: register, contract known at DUO, the school's existence. */
  private declarations(exemptionId: string): Promise<ExemptionDeclarationView[]> {
    return this.dataSource.query(
      `WITH standing AS (${declarationStanding('$2')})
       SELECT d.id, d.school_id AS "schoolId", d.school_kvk AS "schoolKvk", d.source, ed.presented_as AS "presentedAs",
              d.purpose, to_char(d.period_start, 'YYYY-MM-DD') AS "periodStart", to_char(d.period_end, 'YYYY-MM-DD') AS "periodEnd",
              d.hours::float AS hours, to_char(d.issued_on, 'YYYY-MM-DD') AS "issuedOn", d.status,
              st.backed AS "knownAtDuo", st.school_gone AS "schoolGone"
         FROM exemption_declarations ed
         JOIN hours_declarations d ON d.id = ed.declaration_id
         JOIN standing st ON st.declaration_id = d.id
        WHERE ed.exemption_id = $1
        ORDER BY d.period_start, d.id`,
      [exemptionId, amsterdamToday()],
    );
  }

  /** A DUO action on the workflow; an action the current status does not allow is a 422. */
  async act(actor: Actor, id: string, dto: ExemptionActionDto): Promise<ExemptionResponse> {
    if (EXEMPTION_TRANSITIONS[dto.action].reasonRequired && !dto.reason) {
      throw new ValidationProblem([{ name: 'reason', reason: `reason is required for ${dto.action}` }]);
    }
    if (dto.action === 'RECORD_LEARNER_EVIDENCE' && dto.verified === undefined) {
      throw new ValidationProblem([
        { name: 'verified', reason: 'verified is required for RECORD_LEARNER_EVIDENCE' },
      ]);
    }
    if (dto.action !== 'RECORD_LEARNER_EVIDENCE' && dto.verified !== undefined) {
      throw new ValidationProblem([
        { name: 'verified', reason: 'verified applies to RECORD_LEARNER_EVIDENCE only' },
      ]);
    }
    await this.dataSource.transaction(async (manager) => {
      const exemption = await this.workflow.lock(manager, id);
      const status = exemptionTransition(exemption.status, dto.action, dto.verified);
      if (!status) {
        throw new RuleViolationProblem(
          `${dto.action} is not allowed while the exemption is ${exemption.status}.`,
          'action',
        );
      }
      if (dto.action === 'GRANT' && exemption.grounds === 'AGI')
        await this.requireAgiConditions(manager, exemption);
      await this.workflow.step(manager, actor, exemption, {
        action: dto.action,
        status,
        reason: dto.reason ?? null,
        ...(dto.verified !== undefined ? { details: { verified: dto.verified } } : {}),
      });
    });
    return this.get(actor, id);
  }

  /**
   * The deadline job: AWAITING_SCHOOL cases whose school did not answer by the due date (due before
   * `asOf`), whose asked school ceased to exist meanwhile, or whose declaration got an open HIGH flag
   * (an irregularity), go to the learner for evidence. `asOf` defaults to today (Europe/Amsterdam); tests pass a later day.
   */
  async escalateStalled(asOf: string = amsterdamToday()): Promise<{ moved: number }> {
    const stalled = await this.stalled(this.dataSource.manager, asOf);
    let moved = 0;
    for (const { id } of stalled) {
      // Each case in its own transaction, re-assessed under its lock: a school may just have answered.
      moved += await this.dataSource.transaction(async (manager) => {
        const exemption = await this.workflow.lock(manager, id);
        const [current] = await this.stalled(manager, asOf, id);
        if (exemption.status !== 'AWAITING_SCHOOL' || !current) return 0;
        await this.workflow.step(manager, SYSTEM_ACTOR, exemption, {
          action: 'REQUEST_LEARNER_EVIDENCE',
          status: 'AWAITING_LEARNER_EVIDENCE',
          reason: blockerReasons({
            overdue: current.overdue,
            openHighFlag: current.open_high_flag,
            schoolGone: current.school_gone,
          }),
          details: { asOf },
          asOf,
        });
        return 1;
      });
    }
    this.logger.log(`escalated ${moved} of ${stalled.length} stalled exemption(s) as of ${asOf}`);
    return { moved };
  }

  /** AWAITING_SCHOOL cases with a reason to go to the learner, in one query. */
  private stalled(manager: EntityManager, asOf: string, onlyId: string | null = null) {
    return manager.query<{ id: string; overdue: boolean; open_high_flag: boolean; school_gone: boolean }[]>(
      `WITH standing AS (${declarationStanding('$1')}),
       pending AS (
         SELECT r.exemption_id, bool_or(r.due_on < $1::date) AS overdue, bool_or(st.school_gone) AS school_gone
           FROM confirmation_requests r
           JOIN confirmation_request_declarations c ON c.confirmation_request_id = r.id
           JOIN standing st ON st.declaration_id = c.declaration_id
          WHERE r.status = 'PENDING'
          GROUP BY r.exemption_id)
       SELECT e.id, coalesce(p.overdue, FALSE) AS overdue, coalesce(p.school_gone, FALSE) AS school_gone,
              bool_or(st.open_high_flag) AS open_high_flag
         FROM exemptions e
         JOIN exemption_declarations ed ON ed.exemption_id = e.id
         JOIN standing st ON st.declaration_id = ed.declaration_id
         LEFT JOIN pending p ON p.exemption_id = e.id
        WHERE e.status = 'AWAITING_SCHOOL' AND ($2::uuid IS NULL OR e.id = $2)
        GROUP BY e.id, p.overdue, p.school_gone
       HAVING coalesce(p.overdue, FALSE) OR coalesce(p.school_gone, FALSE) OR bool_or(st.open_high_flag)
        ORDER BY e.id`,
      [asOf, onlyId],
    );
  }

  /** The learner of the BSN (looked up by its blind index; never created by an exemption). */
  private async findLearner(manager: EntityManager, bsn: string): Promise<string> {
    const [learner]: { id: string }[] = await manager.query(`SELECT id FROM learners WHERE bsn_hash = $1`, [
      this.crypto.blindIndex(bsn),
    ]);
    if (!learner)
      throw new RuleViolationProblem('No hours declarations are known for this learner.', 'declarationIds');
    return learner.id;
  }

  /** The declarations must exist, be the learner's, and not be rejected already. */
  private async requireUsableDeclarations(
    manager: EntityManager,
    learnerId: string,
    declarationIds: string[],
  ): Promise<void> {
    const [check]: { found: number; foreign: number; rejected: number }[] = await manager.query(
      `SELECT count(*)::int AS found,
              count(*) FILTER (WHERE learner_id <> $2)::int AS foreign,
              count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected
         FROM hours_declarations WHERE id = ANY($1::uuid[])`,
      [declarationIds, learnerId],
    );
    if (check.found < declarationIds.length || check.foreign > 0) {
      throw new RuleViolationProblem(
        'declarationIds must name existing hours declarations of this learner.',
        'declarationIds',
      );
    }
    if (check.rejected > 0)
      throw new RuleViolationProblem(
        'declarationIds include a declaration that was already rejected.',
        'declarationIds',
      );
  }

  /**
   * Each presented declaration matched against the register: a declaration of this learner at the school with the
   * same purpose, periodStart, periodEnd, hours and issuedOn is used as it is; otherwise it is recorded (once:
   * a declaration presented again is the one recorded before) as PRESENTED for the school of that KvK, or for
   * the KvK alone when no registered school has it. One statement for all of them; audited per record.
   */
  private async matchPresented(
    manager: EntityManager,
    actor: Actor,
    learnerId: string,
    presented: PresentedDeclarationDto[],
  ): Promise<PresentedDeclarationResponse[]> {
    if (presented.length === 0) return [];
    const rows: { n: number; id: string; source: DeclarationSource; recorded: boolean }[] =
      await manager.query(
        `WITH input AS (
         SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::date[], $6::date[], $7::numeric[], $8::date[])
                    AS i(n, kvk, purpose, period_start, period_end, hours, issued_on)),
       found AS (
         SELECT i.*, m.id, m.source FROM input i
         LEFT JOIN LATERAL (
           SELECT d.id, d.source FROM hours_declarations d
            WHERE d.learner_id = $1 AND d.school_kvk = i.kvk AND d.purpose = i.purpose AND d.period_start = i.period_start
              AND d.period_end = i.period_end AND d.hours = i.hours AND d.issued_on = i.issued_on
            ORDER BY d.source = 'SCHOOL' DESC, d.created_at, d.id LIMIT 1) m ON TRUE),
       inserted AS (
         INSERT INTO hours_declarations (school_id, school_kvk, learner_id, purpose, period_start, period_end, hours, issued_on, source)
         SELECT DISTINCT s.id, f.kvk, $1::uuid, f.purpose, f.period_start, f.period_end, f.hours, f.issued_on, 'PRESENTED'
           FROM found f LEFT JOIN schools s ON s.kvk_number = f.kvk WHERE f.id IS NULL
         RETURNING id, school_kvk, purpose, period_start, period_end, hours, issued_on)
       SELECT f.n, coalesce(f.id, x.id) AS id, coalesce(f.source, 'PRESENTED') AS source, f.id IS NULL AS recorded
         FROM found f
         LEFT JOIN inserted x ON f.id IS NULL AND x.school_kvk = f.kvk AND x.purpose = f.purpose AND x.period_start = f.period_start
              AND x.period_end = f.period_end AND x.hours = f.hours AND x.issued_on = f.issued_on
        ORDER BY f.n`,
        [
          learnerId,
          presented.map((_, i) => i),
          ...(['schoolKvk', 'purpose', 'periodStart', 'periodEnd', 'hours', 'issuedOn'] as const).map(
            (field) => presented.map((p) => p[field]),
          ),
        ],
      );
    const recorded = new Set<string>();
    for (const row of rows) {
      if (!row.recorded || recorded.has(row.id)) continue;
      recorded.add(row.id);
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'HOURS_DECLARATION',
        subjectId: row.id,
        after: { ...presented[row.n], source: 'PRESENTED', learnerId },
      });
    }
    return rows.map((row) => ({
      ...presented[row.n],
      declarationId: row.id,
      match: row.source === 'SCHOOL' ? 'REGISTERED' : 'NOT_REGISTERED',
    }));
  }

  /** One confirmation request per school concerned, naming its declarations, due in `confirmationDays` days. */
  private async requestConfirmations(
    manager: EntityManager,
    actor: Actor,
    exemptionId: string,
    declarationsBySchool: Map<string, string[]>,
    today: string,
  ): Promise<string[]> {
    const days = await this.confirmationDays(manager);
    const created: string[] = [];
    for (const [schoolId, declarationIds] of declarationsBySchool) {
      const [request]: { id: string; due_on: string }[] = await manager.query(
        `INSERT INTO confirmation_requests (exemption_id, school_id, due_on) VALUES ($1, $2, $3::date + $4::int)
         RETURNING id, to_char(due_on, 'YYYY-MM-DD') AS due_on`,
        [exemptionId, schoolId, today, days],
      );
      await manager.query(
        `INSERT INTO confirmation_request_declarations (confirmation_request_id, declaration_id) SELECT $1, unnest($2::uuid[])`,
        [request.id, declarationIds],
      );
      await this.workflow.auditRequest(manager, actor, 'CREATE', request.id, null, {
        status: 'PENDING',
        declarationIds,
        schoolId,
        dueOn: request.due_on,
      });
      created.push(request.id);
    }
    return created;
  }

  /** How long a school has to answer: rule DECLARATION_WITHOUT_DUO_CONTRACT's parameter `confirmationDays`. */
  private async confirmationDays(manager: EntityManager): Promise<number> {
    return (await ruleParameters(manager, 'DECLARATION_WITHOUT_DUO_CONTRACT')).confirmationDays;
  }

  private async requireAgiConditions(manager: EntityManager, exemption: Exemption): Promise<void> {
    const [{ hours }]: { hours: string }[] = await manager.query(
      `SELECT coalesce(sum(d.hours), 0) AS hours FROM exemption_declarations ed JOIN hours_declarations d ON d.id = ed.declaration_id
        WHERE ed.exemption_id = $1 AND d.status <> 'REJECTED'`,
      [exemption.id],
    );
    if (Number(hours) < AGI_MIN_HOURS) {
      throw new RuleViolationProblem(
        `AGI needs at least ${AGI_MIN_HOURS} hours in the declarations; they hold ${Number(hours)}.`,
        'declarationIds',
      );
    }
    const required = agiRequiredAttempts(exemption.requestedOn);
    if ((exemption.examAttempts ?? 0) < required) {
      throw new RuleViolationProblem(
        `AGI needs at least ${required} exam attempts for a request filed on ${exemption.requestedOn}.`,
        'examAttempts',
      );
    }
  }

  private rows(actor: Actor, tail: string, params: unknown[]): Promise<ExemptionRow[]> {
    return this.dataSource.query(
      `SELECT e.id, e.status, e.grounds, e.learner_id, l.bsn_last4, ${actor.role === 'DUO' ? 'l.bsn_ciphertext,' : ''}
              e.exam_attempts, to_char(e.requested_on, 'YYYY-MM-DD') AS requested_on,
              e.decision_reason, e.decided_by, e.decided_at, e.created_at, e.updated_at,
              agg.declaration_ids, agg.total_hours
         FROM exemptions e
         JOIN learners l ON l.id = e.learner_id
         CROSS JOIN LATERAL (
           SELECT array_agg(d.id ORDER BY d.period_start, d.id) AS declaration_ids, coalesce(sum(d.hours), 0) AS total_hours
             FROM exemption_declarations ed JOIN hours_declarations d ON d.id = ed.declaration_id
            WHERE ed.exemption_id = e.id) agg
       ${tail}`,
      params,
    );
  }

  private summary(actor: Actor, row: ExemptionRow): ExemptionSummaryResponse {
    return {
      id: row.id,
      status: row.status,
      grounds: row.grounds,
      learnerId: row.learner_id,
      ...this.learners.bsnView(actor, { bsnLast4: row.bsn_last4, bsnCiphertext: row.bsn_ciphertext }),
      declarationIds: row.declaration_ids,
      totalHours: Number(row.total_hours),
      examAttempts: row.exam_attempts,
      requestedOn: row.requested_on,
      ...(row.decided_at
        ? {
            decision: {
              reason: row.decision_reason as string,
              decidedBy: row.decided_by,
              decidedAt: row.decided_at,
            },
          }
        : {}),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
