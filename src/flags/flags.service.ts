import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { requireVisible, schoolScope } from '../common/auth/tenancy';
import { amsterdamToday } from '../common/calendar';
import {
  ConflictProblem,
  ForbiddenProblem,
  RuleViolationProblem,
  ValidationProblem,
} from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { refreshDeclarationStatuses } from '../hours-declarations/declaration-statuses';
import { User } from '../users/user.entity';
import { Flag, FlagEvent, FlagEventAction, FlagStatus } from './flag.entity';
import {
  AssignFlagDto,
  DecideFlagDto,
  DecisionApprovalDto,
  FlagDetailResponse,
  FlagResponse,
  FlagTimelineEntry,
  HearingResponseDto,
  ListFlagsQuery,
  RequestHearingDto,
} from './flags.dto';

/** Reviewers: Blik op Werk auditors, DUO staff and admins. Schools only read flags on their own records. */
export const REVIEWER_ROLES = ['AUDITOR', 'DUO', 'ADMIN'] as const;
/** A flag under review may still be (re)assigned and decided; decided and withdrawn flags are final. */
const REVIEWABLE: FlagStatus[] = ['OPEN', 'IN_REVIEW'];

/** Severity first (HIGH, MEDIUM, LOW), then the oldest first. */
const REVIEW_ORDER = `array_position(ARRAY['HIGH','MEDIUM','LOW']::text[], f.severity)`;
const RAISED_DAY = `(f.raisedAt AT TIME ZONE 'Europe/Amsterdam')::date`;

/** What a review step changes, for the audit trail. */
const reviewState = (f: Flag) => ({
  status: f.status,
  assigneeId: f.assigneeId,
  decisionOutcome: f.decisionOutcome,
  decisionReason: f.decisionReason,
  pendingOutcome: f.pendingOutcome,
  hearingDueOn: f.hearingDueOn,
  hearingAnswered: f.hearingRespondedAt !== null,
});

/** The review columns a step may change (the checks own the rest of the row). */
const reviewColumns = (f: Flag) => ({
  status: f.status,
  assigneeId: f.assigneeId,
  decisionOutcome: f.decisionOutcome,
  decisionReason: f.decisionReason,
  decidedBy: f.decidedBy,
  decidedAt: f.decidedAt,
  decisionApprovedBy: f.decisionApprovedBy,
  pendingOutcome: f.pendingOutcome,
  pendingReason: f.pendingReason,
  pendingProposedBy: f.pendingProposedBy,
  pendingProposedAt: f.pendingProposedAt,
  hearingQuestion: f.hearingQuestion,
  hearingDueOn: f.hearingDueOn,
  hearingRequestedAt: f.hearingRequestedAt,
  hearingRequestedBy: f.hearingRequestedBy,
  hearingStatement: f.hearingStatement,
  hearingRespondedAt: f.hearingRespondedAt,
  hearingRespondedBy: f.hearingRespondedBy,
});

/** One entry of a flag's timeline, with what the step was about (the question, the reason, ...). */
interface Step {
  action: FlagEventAction;
  about?: Record<string, unknown>;
}

/** The steps whose subject a school may read on its own flag's timeline: what it was asked, what it said, the outcome. */
const SCHOOL_READABLE_STEPS: readonly FlagEventAction[] = [
  'HEARING_REQUESTED',
  'HEARING_ANSWERED',
  'DECIDED',
];

/** A flag's hearing no longer awaits the school: it answered, or its due date passed. */
const hearingConcluded = (f: Flag, today: string): boolean =>
  f.hearingRespondedAt !== null || (f.hearingDueOn !== null && f.hearingDueOn < today);

/** Four eyes and the hearing apply to HIGH flags; the hearing only where there is a school to hear. */
const needsSecondReviewer = (f: Flag, outcome: string): boolean =>
  outcome === 'CONFIRMED' && f.severity === 'HIGH';

@Injectable()
export class FlagsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
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
    if (query.hearing === 'OPEN') {
      qb.andWhere(
        `f.hearingRequestedAt IS NOT NULL AND f.hearingRespondedAt IS NULL AND f.hearingDueOn >= :today AND f.status IN (:...reviewable)`,
        { today: amsterdamToday(), reviewable: REVIEWABLE },
      );
    }
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
      await this.change(manager, actor, id, (flag) => {
        flag.assigneeId = assigneeId;
        flag.status = 'IN_REVIEW';
        return [{ action: 'ASSIGNED', about: { assigneeId } }];
      });
    });
    return this.get(actor, id);
  }

  /**
   * Decides a flag: CONFIRMED (the irregularity is real) or DISMISSED, always with a reason. Confirming a HIGH
   * flag takes two people (four eyes): it is proposed here (`proposed: true`) and takes effect on approval; on
   * a school's record the school must have been heard first (its hearing answered or past its due date).
   */
  async decide(
    actor: Actor,
    id: string,
    dto: DecideFlagDto,
  ): Promise<{ proposed: boolean; flag: FlagDetailResponse }> {
    let proposed = false;
    await this.dataSource.transaction((manager) =>
      this.change(manager, actor, id, (flag) => {
        if (flag.pendingOutcome) {
          throw new RuleViolationProblem(
            'A decision on this flag awaits a second reviewer: approve or reject it first.',
            'pendingDecision',
          );
        }
        if (!needsSecondReviewer(flag, dto.outcome)) {
          this.settle(flag, { outcome: dto.outcome, reason: dto.reason, decidedBy: actor.id });
          flag.assigneeId ??= actor.id;
          return [{ action: 'DECIDED', about: { outcome: dto.outcome, reason: dto.reason } }];
        }
        if (flag.schoolId && !hearingConcluded(flag, amsterdamToday())) {
          throw new RuleViolationProblem(
            flag.hearingRequestedAt
              ? `A HIGH flag on a school's record is confirmed only after the school was heard: its hearing is unanswered until ${flag.hearingDueOn}.`
              : "A HIGH flag on a school's record is confirmed only after the school was heard: ask for its view first (POST /flags/{id}/hearing).",
            'hearing',
          );
        }
        proposed = true;
        flag.status = 'IN_REVIEW';
        flag.assigneeId ??= actor.id;
        flag.pendingOutcome = 'CONFIRMED';
        flag.pendingReason = dto.reason;
        flag.pendingProposedBy = actor.id;
        flag.pendingProposedAt = new Date();
        return [{ action: 'DECISION_PROPOSED', about: { outcome: dto.outcome, reason: dto.reason } }];
      }),
    );
    return { proposed, flag: await this.get(actor, id) };
  }

  /** Four eyes: a second reviewer approves (the proposal takes effect) or rejects (back to review) a proposed decision. */
  async approveDecision(actor: Actor, id: string, dto: DecisionApprovalDto): Promise<FlagDetailResponse> {
    await this.dataSource.transaction((manager) =>
      this.change(manager, actor, id, (flag) => {
        if (!flag.pendingOutcome || !flag.pendingProposedBy)
          throw new RuleViolationProblem('No decision on this flag awaits approval.', 'pendingDecision');
        const proposal = {
          outcome: flag.pendingOutcome,
          reason: flag.pendingReason as string,
          proposedBy: flag.pendingProposedBy,
        };
        if (proposal.proposedBy === actor.id)
          throw new ForbiddenProblem(
            'Four eyes: a decision is approved or rejected by someone other than its proposer.',
          );
        flag.pendingOutcome = flag.pendingReason = flag.pendingProposedBy = flag.pendingProposedAt = null;
        if (!dto.approved) {
          flag.status = 'IN_REVIEW';
          return [
            { action: 'DECISION_REJECTED', about: { ...proposal, rejectionReason: dto.reason ?? null } },
          ];
        }
        this.settle(flag, {
          outcome: proposal.outcome,
          reason: proposal.reason,
          decidedBy: proposal.proposedBy,
        });
        flag.decisionApprovedBy = actor.id;
        return [
          { action: 'DECISION_APPROVED', about: { ...proposal, approvalReason: dto.reason ?? null } },
          {
            action: 'DECIDED',
            // who proposed and who approved are on the steps before; a school reads this one
            about: { outcome: proposal.outcome, reason: proposal.reason },
          },
        ];
      }),
    );
    return this.get(actor, id);
  }

  /** Hoor en wederhoor: asks the flag's school for its view by `dueOn`. One hearing per flag. */
  async requestHearing(actor: Actor, id: string, dto: RequestHearingDto): Promise<FlagDetailResponse> {
    if (dto.dueOn < amsterdamToday())
      throw new ValidationProblem([{ name: 'dueOn', reason: 'dueOn must be today or later' }]);
    await this.dataSource.transaction((manager) =>
      this.change(manager, actor, id, (flag) => {
        if (!flag.schoolId)
          throw new RuleViolationProblem(
            "This flag is on no school's record: there is no school to hear.",
            'schoolId',
          );
        if (flag.hearingRequestedAt)
          throw new ConflictProblem(
            'hearing',
            'The school has already been asked for its view on this flag.',
          );
        flag.hearingQuestion = dto.question;
        flag.hearingDueOn = dto.dueOn;
        flag.hearingRequestedAt = new Date();
        flag.hearingRequestedBy = actor.id;
        return [{ action: 'HEARING_REQUESTED', about: { question: dto.question, dueOn: dto.dueOn } }];
      }),
    );
    return this.get(actor, id);
  }

  /** The school's view (zienswijze) on its own flag: once, by the due date, while the flag is in review. */
  async respondToHearing(actor: Actor, id: string, dto: HearingResponseDto): Promise<FlagDetailResponse> {
    await this.dataSource.transaction((manager) =>
      this.change(manager, actor, id, (flag) => {
        if (!flag.hearingRequestedAt)
          throw new RuleViolationProblem('The school was not asked for its view on this flag.', 'hearing');
        if (flag.hearingRespondedAt)
          throw new ConflictProblem('statement', 'The school has already given its view on this flag.');
        if ((flag.hearingDueOn as string) < amsterdamToday())
          throw new RuleViolationProblem(
            `The hearing was due on ${flag.hearingDueOn}; it can no longer be answered.`,
            'hearing',
          );
        flag.hearingStatement = dto.statement;
        flag.hearingRespondedAt = new Date();
        flag.hearingRespondedBy = actor.id;
        return [{ action: 'HEARING_ANSWERED', about: { statement: dto.statement } }];
      }),
    );
    return this.get(actor, id);
  }

  /** Every step of a flag's case, oldest first. A school reads its own flags' timeline, without other organisations' user ids. */
  async timeline(actor: Actor, id: string): Promise<FlagTimelineEntry[]> {
    const flag = requireVisible(actor, await this.dataSource.manager.findOneBy(Flag, { id }), 'Flag');
    const rows: {
      at: Date;
      action: FlagEventAction;
      actorId: string | null;
      details: Record<string, unknown> | null;
      actorSchoolId: string | null;
    }[] = await this.dataSource.query(
      `SELECT e.at, e.action, e.actor_id AS "actorId", e.details, u.school_id AS "actorSchoolId"
           FROM flag_events e LEFT JOIN users u ON u.id = e.actor_id
          WHERE e.flag_id = $1 ORDER BY e.at, e.id`,
      [id],
    );
    return rows.map((row) => {
      const about = (row.details?.about as Record<string, unknown> | undefined) ?? null;
      if (actor.role !== 'SCHOOL')
        return { at: row.at, action: row.action, by: row.actorId, details: row.details };
      return {
        at: row.at,
        action: row.action,
        by: row.actorSchoolId !== null && row.actorSchoolId === flag.schoolId ? row.actorId : null,
        details: SCHOOL_READABLE_STEPS.includes(row.action) ? about : null,
      };
    });
  }

  /** A decision taking effect: the flag leaves review with its outcome. */
  private settle(
    flag: Flag,
    decision: { outcome: 'CONFIRMED' | 'DISMISSED'; reason: string; decidedBy: string },
  ): void {
    flag.status = decision.outcome;
    flag.decisionOutcome = decision.outcome;
    flag.decisionReason = decision.reason;
    flag.decidedBy = decision.decidedBy;
    flag.decidedAt = new Date();
  }

  /**
   * One review step on a locked flag the actor may see: allowed only while reviewable; its timeline entries and
   * the audit event (one per person's act, named after its first step) in the same transaction.
   */
  private async change(
    manager: EntityManager,
    actor: Actor,
    id: string,
    apply: (flag: Flag) => Step[],
  ): Promise<void> {
    const flag = requireVisible(
      actor,
      await manager.findOne(Flag, { where: { id }, lock: { mode: 'pessimistic_write' } }),
      'Flag',
    );
    if (!REVIEWABLE.includes(flag.status)) {
      throw new RuleViolationProblem(`A ${flag.status} flag is no longer in review.`, 'status');
    }
    const before = reviewState(flag);
    const steps = apply(flag);
    await manager.update(Flag, { id }, reviewColumns(flag));
    const after = reviewState(flag);
    await manager.insert(
      FlagEvent,
      steps.map((step) => ({
        flagId: id,
        action: step.action,
        actorId: actor.id,
        checkRunId: null,
        details: { about: step.about ?? null, before, after },
      })),
    );
    await this.audit.record(manager, actor, {
      action: steps[0].action,
      subjectType: 'FLAG',
      subjectId: id,
      before,
      after: { ...after, ...steps[0].about },
    });
    // A dismissed flag may leave its declaration with nothing against it: CHECKED again.
    if (flag.subjectType === 'HOURS_DECLARATION') {
      await refreshDeclarationStatuses(manager, { declarationIds: [flag.subjectId] });
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
              approvedBy: f.decisionApprovedBy,
              // an approval is what makes the decision take effect: its moment is decidedAt
              approvedAt: f.decisionApprovedBy ? f.decidedAt : null,
            },
          }
        : {}),
      ...(f.pendingOutcome
        ? {
            pendingDecision: {
              outcome: f.pendingOutcome,
              reason: f.pendingReason as string,
              proposedBy: f.pendingProposedBy as string,
              proposedAt: f.pendingProposedAt as Date,
            },
          }
        : {}),
      hearing: f.hearingRequestedAt
        ? {
            question: f.hearingQuestion as string,
            requestedAt: f.hearingRequestedAt,
            dueOn: f.hearingDueOn as string,
            statement: f.hearingStatement,
            respondedAt: f.hearingRespondedAt,
          }
        : null,
    };
  }
}

/** A school sees only its own records of the evidence; the others are removed and counted. */
export function redactEvidence(evidence: Flag['evidence'], schoolId: string | null): Record<string, unknown> {
  const records = Array.isArray(evidence?.records) ? evidence.records : [];
  const own = records.filter((record) => record.schoolId === schoolId);
  return { ...evidence, records: own, redactedRecords: records.length - own.length };
}
