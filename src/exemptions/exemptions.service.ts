import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../common/auth/actor';
import { BsnCryptoService } from '../common/bsn/bsn-crypto.service';
import { NotFoundProblem, RuleViolationProblem, ValidationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { LearnersService } from '../learners/learners.service';
import { Exemption, ExemptionStatus } from './exemption.entity';
import {
  amsterdamToday,
  blockerReasons,
  declarationStanding,
  ExemptionWorkflow,
} from './exemption-workflow.service';
import {
  CreateExemptionDto,
  ExemptionAction,
  ExemptionActionDto,
  ExemptionCreatedResponse,
  ExemptionResponse,
  ExemptionSummaryResponse,
  ListExemptionsQuery,
} from './exemptions.dto';

/** The rule whose parameter `confirmationDays` sets how long a school has to answer (default 28). */
const CONFIRMATION_RULE = 'DECLARATION_WITHOUT_DUO_CONTRACT';
const DEFAULT_CONFIRMATION_DAYS = 28;

/** AGI (Wi2013): at least 600 course hours and 3 exam attempts, 4 for requests filed before 2023-04-01. */
const AGI_MIN_HOURS = 600;
const AGI_STRICTER_BEFORE = '2023-04-01';
const agiRequiredAttempts = (requestedOn: string): number => (requestedOn < AGI_STRICTER_BEFORE ? 4 : 3);

/** Which statuses each DUO action may be taken from (DOMAIN.md "The exemption workflow"). */
const ALLOWED_FROM: Record<ExemptionAction, ExemptionStatus[]> = {
  REQUEST_LEARNER_EVIDENCE: ['AWAITING_SCHOOL', 'READY_FOR_DECISION'],
  RECORD_LEARNER_EVIDENCE: ['AWAITING_LEARNER_EVIDENCE'],
  ANNOUNCE_INTENDED_REFUSAL: ['READY_FOR_DECISION'],
  GRANT: ['READY_FOR_DECISION', 'INTENDED_REFUSAL'],
  REFUSE: ['READY_FOR_DECISION', 'INTENDED_REFUSAL'],
};
const REASON_REQUIRED: ExemptionAction[] = ['ANNOUNCE_INTENDED_REFUSAL', 'GRANT', 'REFUSE'];

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
  ) {}

  /**
   * Registers a request and checks its declarations at once: all backed by a contract at DUO and none
   * under an open HIGH flag -> READY_FOR_DECISION; unbacked ones -> a confirmation request to their
   * school, AWAITING_SCHOOL; an open HIGH flag or a withdrawn keurmerk -> AWAITING_LEARNER_EVIDENCE.
   */
  async create(actor: Actor, dto: CreateExemptionDto): Promise<ExemptionCreatedResponse> {
    const today = amsterdamToday();
    const requestedOn = dto.requestedOn ?? today;
    if (requestedOn > today)
      throw new RuleViolationProblem('requestedOn may not lie in the future.', 'requestedOn');
    return this.dataSource.transaction(async (manager) => {
      const learnerId = await this.findLearner(manager, dto.learnerBsn);
      await this.requireUsableDeclarations(manager, learnerId, dto.declarationIds);
      const standings = await this.workflow.standings(manager, dto.declarationIds, today);
      const openHighFlag = standings.some((s) => s.open_high_flag);
      const keurmerkWithdrawn = standings.some((s) => s.keurmerk_withdrawn);
      const unbacked = standings.filter((s) => !s.backed).map((s) => s.declaration_id);
      const blocked = blockerReasons({ openHighFlag, keurmerkWithdrawn });
      const status: ExemptionStatus = blocked
        ? 'AWAITING_LEARNER_EVIDENCE'
        : unbacked.length > 0
          ? 'AWAITING_SCHOOL'
          : 'READY_FOR_DECISION';

      const [{ id }]: { id: string }[] = await manager.query(
        `INSERT INTO exemptions (learner_id, grounds, status, exam_attempts, requested_on, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [learnerId, dto.grounds, status, dto.examAttempts ?? null, requestedOn, actor.id],
      );
      await manager.query(
        `INSERT INTO exemption_declarations (exemption_id, declaration_id) SELECT $1, unnest($2::uuid[])`,
        [id, dto.declarationIds],
      );
      const requests =
        status === 'AWAITING_SCHOOL'
          ? await this.requestConfirmations(manager, actor, id, unbacked, today)
          : [];
      await this.workflow.record(manager, actor, id, null, {
        action: 'REGISTER',
        status,
        reason: blocked,
        details: {
          declarationIds: dto.declarationIds,
          withoutDuoContract: unbacked,
          confirmationRequestIds: requests,
        },
      });
      return { id, status };
    });
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
    const [requests, timeline] = await Promise.all([
      this.dataSource.query(
        `SELECT id, declaration_id AS "declarationId", school_id AS "schoolId", status, to_char(due_on, 'YYYY-MM-DD') AS "dueOn",
                issued, note, responded_at AS "respondedAt"
           FROM confirmation_requests WHERE exemption_id = $1 ORDER BY created_at, id`,
        [id],
      ),
      this.dataSource.query(
        `SELECT at, action, actor_id AS by, reason, status_after AS "statusAfter", details
           FROM exemption_timeline WHERE exemption_id = $1 ORDER BY at, id`,
        [id],
      ),
    ]);
    return { ...this.summary(actor, row), confirmationRequests: requests, timeline };
  }

  /** A DUO action on the workflow; an action the current status does not allow is a 422. */
  async act(actor: Actor, id: string, dto: ExemptionActionDto): Promise<ExemptionResponse> {
    if (REASON_REQUIRED.includes(dto.action) && !dto.reason) {
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
      if (!ALLOWED_FROM[dto.action].includes(exemption.status)) {
        throw new RuleViolationProblem(
          `${dto.action} is not allowed while the exemption is ${exemption.status}.`,
          'action',
        );
      }
      if (dto.action === 'GRANT' && exemption.grounds === 'AGI')
        await this.requireAgiConditions(manager, exemption);
      await this.workflow.step(manager, actor, exemption, {
        action: dto.action,
        status: nextStatus(dto),
        reason: dto.reason ?? null,
        ...(dto.verified !== undefined ? { details: { verified: dto.verified } } : {}),
      });
    });
    return this.get(actor, id);
  }

  /**
   * The deadline job: AWAITING_SCHOOL cases whose school did not answer by the due date (due before
   * `asOf`), whose school lost its keurmerk, or whose declaration got an open HIGH flag, go to the
   * learner for evidence. `asOf` defaults to today (Europe/Amsterdam); tests pass a later day.
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
            keurmerkWithdrawn: current.keurmerk_withdrawn,
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
    return manager.query<
      { id: string; overdue: boolean; open_high_flag: boolean; keurmerk_withdrawn: boolean }[]
    >(
      `WITH standing AS (${declarationStanding('$1')})
       SELECT e.id,
              bool_or(r.status = 'PENDING' AND r.due_on < $1::date) IS TRUE AS overdue,
              bool_or(st.open_high_flag) AS open_high_flag,
              bool_or(st.keurmerk_withdrawn) AS keurmerk_withdrawn
         FROM exemptions e
         JOIN exemption_declarations ed ON ed.exemption_id = e.id
         JOIN standing st ON st.declaration_id = ed.declaration_id
         LEFT JOIN confirmation_requests r ON r.exemption_id = e.id AND r.declaration_id = ed.declaration_id
        WHERE e.status = 'AWAITING_SCHOOL' AND ($2::uuid IS NULL OR e.id = $2)
        GROUP BY e.id
       HAVING bool_or(r.status = 'PENDING' AND r.due_on < $1::date) OR bool_or(st.open_high_flag) OR bool_or(st.keurmerk_withdrawn)
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

  /** A confirmation request to the school of each unbacked declaration, due in `confirmationDays` days. */
  private async requestConfirmations(
    manager: EntityManager,
    actor: Actor,
    exemptionId: string,
    declarationIds: string[],
    today: string,
  ): Promise<string[]> {
    const created: { id: string; declaration_id: string; school_id: string; due_on: string }[] =
      await manager.query(
        `INSERT INTO confirmation_requests (exemption_id, declaration_id, school_id, due_on)
       SELECT $1, d.id, d.school_id, $3::date + $4::int FROM hours_declarations d WHERE d.id = ANY($2::uuid[])
       RETURNING id, declaration_id, school_id, to_char(due_on, 'YYYY-MM-DD') AS due_on`,
        [exemptionId, declarationIds, today, await this.confirmationDays(manager)],
      );
    for (const request of created) {
      await this.workflow.auditRequest(manager, actor, 'CREATE', request.id, null, {
        status: 'PENDING',
        declarationId: request.declaration_id,
        schoolId: request.school_id,
        dueOn: request.due_on,
      });
    }
    return created.map((request) => request.id);
  }

  private async confirmationDays(manager: EntityManager): Promise<number> {
    const [rule]: { days: string | null }[] = await manager.query(
      `SELECT parameters->>'confirmationDays' AS days FROM rules WHERE code = $1`,
      [CONFIRMATION_RULE],
    );
    const days = Number(rule?.days);
    return Number.isInteger(days) && days > 0 ? days : DEFAULT_CONFIRMATION_DAYS;
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

function nextStatus(dto: ExemptionActionDto): ExemptionStatus {
  switch (dto.action) {
    case 'REQUEST_LEARNER_EVIDENCE':
      return 'AWAITING_LEARNER_EVIDENCE';
    case 'RECORD_LEARNER_EVIDENCE':
      return dto.verified ? 'READY_FOR_DECISION' : 'INTENDED_REFUSAL';
    case 'ANNOUNCE_INTENDED_REFUSAL':
      return 'INTENDED_REFUSAL';
    case 'GRANT':
      return 'GRANTED';
    case 'REFUSE':
      return 'REFUSED';
  }
}
