import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ChecksEngine } from '../checks/checks-engine.service';
import { Actor } from '../common/auth/actor';
import { requireVisible, schoolScope } from '../common/auth/tenancy';
import { ForbiddenProblem, NotFoundProblem, RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { User } from '../users/user.entity';
import { Flag, FlagEvent, FlagEventAction, FlagStatus } from './flag.entity';
import { AssignFlagDto, DecideFlagDto, FlagDetailResponse, FlagResponse, ListFlagsQuery } from './flags.dto';

/** Reviewers: Blik op Werk auditors, DUO staff and admins. Schools only read flags on their own records. */
export const REVIEWER_ROLES = ['AUDITOR', 'DUO', 'ADMIN'] as const;
/** A flag under review may still be (re)assigned and decided; decided and withdrawn flags are final. */
const REVIEWABLE: FlagStatus[] = ['OPEN', 'IN_REVIEW'];

/** Severity first (HIGH, MEDIUM, LOW), then the oldest first. */
const REVIEW_ORDER = `array_position(ARRAY['HIGH','MEDIUM','LOW']::text[], f.severity)`;
const RAISED_DAY = `(f.raisedAt AT TIME ZONE 'Europe/Amsterdam')::date`;

/** What a decision changes, for the audit trail. */
const reviewState = (f: Flag) => ({
  status: f.status,
  assigneeId: f.assigneeId,
  decisionOutcome: f.decisionOutcome,
  decisionReason: f.decisionReason,
});

@Injectable()
export class FlagsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly checks: ChecksEngine,
  ) {}

  async list(actor: Actor, query: ListFlagsQuery): Promise<Page<FlagResponse>> {
    const qb = this.dataSource.createQueryBuilder(Flag, 'f');
    const schoolId = schoolScope(actor, query.schoolId);
    if (schoolId) qb.andWhere('f.schoolId = :schoolId', { schoolId });
    if (query.status) qb.andWhere('f.status = :status', { status: query.status });
    if (query.rule) qb.andWhere('f.ruleCode = :rule', { rule: query.rule });
    if (query.subjectType) qb.andWhere('f.subjectType = :subjectType', { subjectType: query.subjectType });
    if (query.subjectId) qb.andWhere('f.subjectId = :subjectId', { subjectId: query.subjectId });
    if (query.severity) qb.andWhere('f.severity = :severity', { severity: query.severity });
    if (query.assigneeId) qb.andWhere('f.assigneeId = :assigneeId', { assigneeId: query.assigneeId });
    if (query.assigned) qb.andWhere(`f.assigneeId IS ${query.assigned === 'true' ? 'NOT ' : ''}NULL`);
    if (query.raisedFrom) qb.andWhere(`${RAISED_DAY} >= :raisedFrom`, { raisedFrom: query.raisedFrom });
    if (query.raisedTo) qb.andWhere(`${RAISED_DAY} <= :raisedTo`, { raisedTo: query.raisedTo });
    // The count and the page on two connections at once: the answer waits for the slower, not for both.
    const [total, flags] = await Promise.all([
      qb.getCount(),
      qb
        .clone()
        .orderBy(REVIEW_ORDER)
        .addOrderBy('f.raisedAt', 'ASC')
        .addOrderBy('f.id', 'ASC')
        .offset((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .getMany(),
    ]);
    return pageOf(
      flags.map((f) => this.toResponse(actor, f)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<FlagDetailResponse> {
    const flag = requireVisible(actor, await this.dataSource.manager.findOneBy(Flag, { id }), 'Flag');
    const events = await this.dataSource.manager.find(FlagEvent, {
      where: { flagId: id },
      order: { at: 'ASC', id: 'ASC' },
    });
    return {
      ...this.toResponse(actor, flag),
      // A school sees what happened and when, not the reviewers' working details.
      history: events.map((e) => ({
        at: e.at,
        action: e.action,
        actorId: e.actorId,
        checkRunId: e.checkRunId,
        ...(actor.role === 'SCHOOL' ? {} : { details: e.details }),
      })),
    };
  }

  /** Puts a flag in review with an assignee: the caller, or (ADMIN only) another reviewer. */
  async assign(actor: Actor, id: string, dto: AssignFlagDto): Promise<FlagDetailResponse> {
    const assigneeId = dto.assigneeId ?? actor.id;
    if (assigneeId !== actor.id && actor.role !== 'ADMIN')
      throw new ForbiddenProblem('Only ADMIN may assign a flag to another reviewer.');
    await this.dataSource.transaction(async (manager) => {
      const assignee = await manager.findOneBy(User, { id: assigneeId });
      if (!assignee || !(REVIEWER_ROLES as readonly string[]).includes(assignee.role)) {
        throw new RuleViolationProblem(
          'assigneeId must be a user with role AUDITOR, DUO or ADMIN.',
          'assigneeId',
        );
      }
      await this.change(manager, actor, id, 'ASSIGNED', (flag) => {
        flag.assigneeId = assigneeId;
        flag.status = 'IN_REVIEW';
      });
    });
    return this.get(actor, id);
  }

  /** Decides a flag: CONFIRMED (the irregularity is real) or DISMISSED, always with a reason. */
  async decide(actor: Actor, id: string, dto: DecideFlagDto): Promise<FlagDetailResponse> {
    await this.dataSource.transaction((manager) =>
      this.change(manager, actor, id, 'DECIDED', (flag) => {
        flag.status = dto.outcome;
        flag.decisionOutcome = dto.outcome;
        flag.decisionReason = dto.reason;
        flag.decidedBy = actor.id;
        flag.decidedAt = new Date();
        flag.assigneeId ??= actor.id;
      }),
    );
    return this.get(actor, id);
  }

  /** One review step on a locked flag: allowed only while reviewable; history and audit in the same transaction. */
  private async change(
    manager: EntityManager,
    actor: Actor,
    id: string,
    action: FlagEventAction,
    apply: (flag: Flag) => void,
  ): Promise<void> {
    const flag = await manager.findOne(Flag, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!flag) throw new NotFoundProblem('Flag');
    if (!REVIEWABLE.includes(flag.status)) {
      throw new RuleViolationProblem(`A ${flag.status} flag can no longer be assigned or decided.`, 'status');
    }
    const before = reviewState(flag);
    apply(flag);
    await manager.update(
      Flag,
      { id },
      {
        status: flag.status,
        assigneeId: flag.assigneeId,
        decisionOutcome: flag.decisionOutcome,
        decisionReason: flag.decisionReason,
        decidedBy: flag.decidedBy,
        decidedAt: flag.decidedAt,
      },
    );
    const after = reviewState(flag);
    await manager.insert(FlagEvent, {
      flagId: id,
      action,
      actorId: actor.id,
      checkRunId: null,
      details: { before, after },
    });
    await this.audit.record(manager, actor, { action, subjectType: 'FLAG', subjectId: id, before, after });
    // A dismissed flag may leave its declaration with nothing against it: CHECKED again.
    if (flag.subjectType === 'HOURS_DECLARATION') {
      await this.checks.refreshDeclarationStatuses(manager, { declarationIds: [flag.subjectId] });
    }
  }

  private toResponse(actor: Actor, f: Flag): FlagResponse {
    return {
      id: f.id,
      rule: f.ruleCode,
      severity: f.severity,
      status: f.status,
      schoolId: f.schoolId,
      subjectType: f.subjectType,
      subjectId: f.subjectId,
      ...(f.periodFrom ? { period: { from: f.periodFrom, to: f.periodTo } } : {}),
      explanation: f.explanation,
      evidence: actor.role === 'SCHOOL' ? redactEvidence(f.evidence, actor.schoolId) : f.evidence,
      raisedAt: f.raisedAt,
      lastCheckedAt: f.lastCheckedAt,
      withdrawnAt: f.withdrawnAt,
      assigneeId: f.assigneeId,
      ...(f.decisionOutcome
        ? {
            decision: {
              outcome: f.decisionOutcome,
              reason: f.decisionReason as string,
              decidedBy: f.decidedBy as string,
              decidedAt: f.decidedAt as Date,
            },
          }
        : {}),
    };
  }
}

/** A school sees only its own records of the evidence; the others are removed and counted. */
export function redactEvidence(evidence: Flag['evidence'], schoolId: string | null): Record<string, unknown> {
  const records = Array.isArray(evidence?.records) ? evidence.records : [];
  const own = records.filter((record) => record.schoolId === schoolId);
  return { ...evidence, records: own, redactedRecords: records.length - own.length };
}
