import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { ConflictProblem, NotFoundProblem, RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { LearnersService } from '../learners/learners.service';
import { SchoolsService } from '../schools/schools.service';
import { Signal, SignalAction, SignalEvent, SignalStatus } from './signal.entity';
import {
  CreateSignalDto,
  ListSignalsQuery,
  SignalActionDto,
  SignalDetailResponse,
  SignalResponse,
} from './signals.dto';

type SignalRow = Signal & { flagIds: string[]; bsnLast4: string | null; bsnCiphertext: Buffer | null };

/** A signal with its linked flags and the learner's protected BSN, for one response. */
const SIGNAL_SELECT = `
  SELECT s.id, s.received_by AS "receivedBy", s.source, s.category, to_char(s.received_on, 'YYYY-MM-DD') AS "receivedOn",
         s.description, s.school_id AS "schoolId", s.learner_id AS "learnerId", s.status, s.outcome,
         s.created_by AS "createdBy", s.created_at AS "createdAt",
         l.bsn_last4 AS "bsnLast4", l.bsn_ciphertext AS "bsnCiphertext",
         coalesce((SELECT array_agg(sf.flag_id ORDER BY sf.flag_id) FROM signal_flags sf WHERE sf.signal_id = s.id), '{}') AS "flagIds"
    FROM signals s LEFT JOIN learners l ON l.id = s.learner_id`;

/** Signals (meldingen) received by Blik op Werk, DUO or the NLA, and their triage. */
@Injectable()
export class SignalsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly schools: SchoolsService,
    private readonly learners: LearnersService,
  ) {}

  async create(actor: Actor, dto: CreateSignalDto): Promise<SignalDetailResponse> {
    const id = await this.dataSource.transaction(async (manager) => {
      if (dto.schoolId && !(await this.schools.exists(manager, dto.schoolId)))
        throw new RuleViolationProblem('schoolId names no school.', 'schoolId');
      const learnerId = dto.learnerBsn ? await this.learners.resolveId(manager, dto.learnerBsn) : null;
      const signal = await manager.save(
        manager.create(Signal, {
          receivedBy: dto.receivedBy,
          source: dto.source,
          category: dto.category,
          receivedOn: dto.receivedOn,
          description: dto.description,
          schoolId: dto.schoolId ?? null,
          learnerId,
          status: 'OPEN',
          outcome: null,
          createdBy: actor.id,
        }),
      );
      await manager.insert(SignalEvent, { signalId: signal.id, action: 'RECEIVED', actorId: actor.id });
      const { learnerBsn: _bsn, ...recorded } = dto;
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'SIGNAL',
        subjectId: signal.id,
        after: { ...recorded, learnerId, status: 'OPEN' },
      });
      return signal.id;
    });
    return this.get(actor, id);
  }

  async list(actor: Actor, query: ListSignalsQuery): Promise<Page<SignalResponse>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status) where.push(`s.status = $${params.push(query.status)}`);
    if (query.schoolId) where.push(`s.school_id = $${params.push(query.schoolId)}`);
    if (query.receivedBy) where.push(`s.received_by = $${params.push(query.receivedBy)}`);
    if (query.category) where.push(`s.category = $${params.push(query.category)}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM signals s ${filter}`,
      params,
    );
    const rows: SignalRow[] = await this.dataSource.query(
      `${SIGNAL_SELECT} ${filter} ORDER BY s.received_on DESC, s.created_at DESC, s.id
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, (query.page - 1) * query.pageSize],
    );
    return pageOf(
      rows.map((row) => this.toResponse(actor, row)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<SignalDetailResponse> {
    const [row]: SignalRow[] = await this.dataSource.query(`${SIGNAL_SELECT} WHERE s.id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Signal');
    const events = await this.dataSource.manager.find(SignalEvent, {
      where: { signalId: id },
      order: { at: 'ASC', id: 'ASC' },
    });
    return {
      ...this.toResponse(actor, row),
      timeline: events.map((e) => ({
        at: e.at,
        action: e.action,
        by: e.actorId,
        reason: e.reason,
        details: e.details,
      })),
    };
  }

  /**
   * One triage step: LINK_FLAG, SHARE, REFER_TO_NLA or CLOSE. The first step moves an OPEN signal
   * IN_PROGRESS (CLOSE closes it); nothing follows CLOSE (422).
   */
  async act(actor: Actor, id: string, dto: SignalActionDto): Promise<SignalDetailResponse> {
    await this.dataSource.transaction(async (manager) => {
      const signal = await manager.findOne(Signal, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!signal) throw new NotFoundProblem('Signal');
      if (signal.status === 'CLOSED')
        throw new RuleViolationProblem('A CLOSED signal takes no further action.', 'action');
      const before = { status: signal.status, outcome: signal.outcome };
      const details = await this.apply(manager, id, dto);
      const status: SignalStatus = dto.action === 'CLOSE' ? 'CLOSED' : 'IN_PROGRESS';
      const outcome = dto.outcome ?? null;
      await manager.update(Signal, { id }, { status, outcome });
      await manager.insert(SignalEvent, {
        signalId: id,
        action: dto.action,
        actorId: actor.id,
        reason: dto.reason,
        details,
      });
      await this.audit.record(manager, actor, {
        action: dto.action,
        subjectType: 'SIGNAL',
        subjectId: id,
        before,
        after: { status, outcome, reason: dto.reason, ...details },
      });
    });
    return this.get(actor, id);
  }

  /** What the action itself records beyond the status: the linked flag, the partner, the outcome. */
  private async apply(
    manager: EntityManager,
    signalId: string,
    dto: SignalActionDto,
  ): Promise<Record<string, string> | null> {
    const byAction: Record<SignalAction, () => Promise<Record<string, string> | null>> = {
      LINK_FLAG: async () => {
        const flagId = dto.flagId as string;
        const [flag]: unknown[] = await manager.query(`SELECT 1 FROM flags WHERE id = $1`, [flagId]);
        if (!flag) throw new RuleViolationProblem('flagId names no flag.', 'flagId');
        const linked: unknown[] = await manager.query(
          `INSERT INTO signal_flags (signal_id, flag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
          [signalId, flagId],
        );
        if (linked.length === 0) throw new ConflictProblem('flagId', 'This flag is already linked.');
        return { flagId };
      },
      SHARE: async () => ({ with: dto.with as string }),
      REFER_TO_NLA: async () => null,
      CLOSE: async () => ({ outcome: dto.outcome as string }),
    };
    return byAction[dto.action]();
  }

  private toResponse(actor: Actor, row: SignalRow): SignalResponse {
    const bsn = row.bsnLast4
      ? this.learners.bsnView(actor, {
          bsnLast4: row.bsnLast4,
          bsnCiphertext: row.bsnCiphertext ?? undefined,
        })
      : { bsnMasked: null };
    return {
      id: row.id,
      receivedBy: row.receivedBy,
      source: row.source,
      category: row.category,
      receivedOn: row.receivedOn,
      description: row.description,
      schoolId: row.schoolId,
      learnerId: row.learnerId,
      ...bsn,
      status: row.status,
      outcome: row.outcome,
      flagIds: row.flagIds,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
    };
  }
}
