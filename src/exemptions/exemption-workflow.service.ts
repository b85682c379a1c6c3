import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, isSystemActor } from '../common/auth/actor';
import { amsterdamToday } from '../common/calendar';
import { NotFoundProblem } from '../common/errors/problems';
import { knownAtDuo } from '../rules/catalogue/shared-sql';
import { Exemption, ExemptionStatus, ExemptionTimelineEntry } from './exemption.entity';

/** The flags that send a declaration to its school rather than to the learner (DOMAIN.md step 3). */
export const SCHOOL_QUESTION_RULES = [
  'DECLARATION_WITHOUT_DUO_CONTRACT',
  'PRESENTED_DECLARATION_NOT_REGISTERED',
];

/**
 * A declaration's standing for an exemption on the day `asOf` (a query parameter placeholder), per DOMAIN.md
 * "The exemption workflow":
 *  - backed: its contract is known at DUO (the one definition, knownAtDuo);
 *  - registered: it is in its school's register (source SCHOOL), not only presented by the learner;
 *  - school_gone: its KvK is no registered school, or the school ceased to exist (closedOn before `asOf`);
 *  - open_high_flag: an irregularity, a HIGH flag OPEN or IN_REVIEW on it by a rule other than those the school
 *    is asked about (no contract at DUO, not in the register).
 */
export const declarationStanding = (asOf: string): string => `
  SELECT d.id AS declaration_id, d.school_id, d.learner_id, d.hours,
         ${knownAtDuo('d')} AS backed,
         d.source = 'SCHOOL' AS registered,
         (s.id IS NULL OR coalesce(s.closed_on < ${asOf}::date, FALSE)) AS school_gone,
         EXISTS (SELECT 1 FROM flags f
                  WHERE f.subject_type = 'HOURS_DECLARATION' AND f.subject_id = d.id
                    AND f.severity = 'HIGH' AND f.status IN ('OPEN','IN_REVIEW')
                    AND f.rule_code <> ALL ('{${SCHOOL_QUESTION_RULES.join(',')}}')) AS open_high_flag
  FROM hours_declarations d LEFT JOIN schools s ON s.id = d.school_id`;

export interface DeclarationStanding {
  declaration_id: string;
  school_id: string | null;
  backed: boolean;
  registered: boolean;
  school_gone: boolean;
  open_high_flag: boolean;
}

/** Why a case goes to the learner for extra evidence. */
export interface LearnerCauses {
  overdue?: boolean;
  openHighFlag?: boolean;
  schoolGone?: boolean;
}

/** Why a case goes to the learner for extra evidence, in words for the timeline. */
export function blockerReasons(causes: LearnerCauses): string | null {
  const reasons = [
    causes.overdue ? 'the school did not answer the confirmation request in time' : null,
    causes.schoolGone
      ? 'a declaration the school must confirm names a KvK that is no registered school, or a school that no longer exists'
      : null,
    causes.openHighFlag ? 'an open HIGH flag (an irregularity) sits on a declaration' : null,
  ].filter((reason): reason is string => reason !== null);
  return reasons.length > 0 ? `Learner evidence needed: ${reasons.join('; ')}.` : null;
}

/** Where DOMAIN.md's step 3 sends a request, given its declarations' standings. */
export type Route =
  | { status: 'READY_FOR_DECISION' }
  | { status: 'AWAITING_LEARNER_EVIDENCE'; reason: string }
  | { status: 'AWAITING_SCHOOL'; declarationsBySchool: Map<string, string[]> };

/**
 * Step 3, in DOMAIN.md's order: an irregularity (open HIGH flag) -> the learner; otherwise declarations without a
 * contract at DUO or not in the register go to their school (one confirmation request per school), unless such a
 * school is no registered school or ceased to exist -> the learner at once; nothing to ask -> ready for decision.
 */
export function route(standings: DeclarationStanding[]): Route {
  if (standings.some((s) => s.open_high_flag))
    return { status: 'AWAITING_LEARNER_EVIDENCE', reason: blockerReasons({ openHighFlag: true }) as string };
  const questioned = standings.filter((s) => !s.backed || !s.registered);
  if (questioned.some((s) => s.school_gone))
    return { status: 'AWAITING_LEARNER_EVIDENCE', reason: blockerReasons({ schoolGone: true }) as string };
  if (questioned.length === 0) return { status: 'READY_FOR_DECISION' };
  const declarationsBySchool = new Map<string, string[]>();
  for (const s of questioned) {
    const schoolId = s.school_id as string;
    declarationsBySchool.set(schoolId, [...(declarationsBySchool.get(schoolId) ?? []), s.declaration_id]);
  }
  return { status: 'AWAITING_SCHOOL', declarationsBySchool };
}

export interface Step {
  action: string;
  status: ExemptionStatus;
  reason?: string | null;
  details?: object | null;
  /** The day pending confirmation requests are closed on (EXPIRED when past due, else CANCELLED). */
  asOf?: string;
  /** REFUSED after a school denied issuing them: only these declarations are rejected (the others were not denied). */
  rejectOnly?: string[];
}

/**
 * The moving parts every step of the exemption workflow shares: the row lock, the status change,
 * the timeline, the audit trail, and what a decision does to the declarations and open requests.
 * Which steps are allowed when is decided by the callers (ExemptionsService, ConfirmationRequestsService).
 */
@Injectable()
export class ExemptionWorkflow {
  constructor(private readonly audit: AuditService) {}

  /** The exemption, locked for this transaction: steps on one case never interleave. */
  async lock(manager: EntityManager, id: string): Promise<Exemption> {
    const exemption = await manager.findOne(Exemption, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!exemption) throw new NotFoundProblem('Exemption');
    return exemption;
  }

  async standings(
    manager: EntityManager,
    declarationIds: string[],
    asOf: string,
  ): Promise<DeclarationStanding[]> {
    return manager.query(`${declarationStanding('$2')} WHERE d.id = ANY($1::uuid[]) ORDER BY d.id`, [
      declarationIds,
      asOf,
    ]);
  }

  /** Records a step on a locked exemption and applies what the new status implies. */
  async step(manager: EntityManager, actor: Actor, exemption: Exemption, step: Step): Promise<void> {
    const before = exemption.status;
    const decided = step.status === 'GRANTED' || step.status === 'REFUSED';
    const by = isSystemActor(actor) ? null : actor.id;
    await manager.update(
      Exemption,
      { id: exemption.id },
      {
        status: step.status,
        updatedAt: () => 'now()',
        ...(decided ? { decisionReason: step.reason ?? null, decidedBy: by, decidedAt: () => 'now()' } : {}),
      },
    );
    exemption.status = step.status;
    await this.record(manager, actor, exemption.id, before, step);
    if (before === 'AWAITING_SCHOOL' && step.status !== 'AWAITING_SCHOOL')
      await this.closePendingRequests(manager, actor, exemption.id, step.asOf);
    if (decided)
      await this.decideDeclarations(
        manager,
        actor,
        exemption.id,
        step.status === 'GRANTED' ? 'ACCEPTED' : 'REJECTED',
        step.rejectOnly ?? null,
      );
  }

  /** The timeline entry and the audit event of a step (also of the registration, with no status before). */
  async record(
    manager: EntityManager,
    actor: Actor,
    exemptionId: string,
    before: ExemptionStatus | null,
    step: Step,
  ): Promise<void> {
    await manager.insert(ExemptionTimelineEntry, {
      exemptionId,
      action: step.action,
      actorId: isSystemActor(actor) ? null : actor.id,
      statusAfter: step.status,
      reason: step.reason ?? null,
      details: step.details ?? null,
    });
    await this.audit.record(manager, actor, {
      action: step.action,
      subjectType: 'EXEMPTION',
      subjectId: exemptionId,
      before: before ? { status: before } : null,
      after: {
        status: step.status,
        reason: step.reason ?? null,
        ...(step.details ? { details: step.details } : {}),
      },
    });
  }

  /** When the case leaves AWAITING_SCHOOL, what the schools were still asked is closed. */
  private async closePendingRequests(
    manager: EntityManager,
    actor: Actor,
    exemptionId: string,
    asOf = amsterdamToday(),
  ): Promise<void> {
    // An UPDATE through TypeORM answers [rows, rowCount].
    const [closed]: [{ id: string; status: string }[], number] = await manager.query(
      `UPDATE confirmation_requests SET status = CASE WHEN due_on < $2::date THEN 'EXPIRED' ELSE 'CANCELLED' END
        WHERE exemption_id = $1 AND status = 'PENDING' RETURNING id, status`,
      [exemptionId, asOf],
    );
    for (const request of closed) {
      await this.auditRequest(
        manager,
        actor,
        request.status === 'EXPIRED' ? 'EXPIRE' : 'CANCEL',
        request.id,
        { status: 'PENDING' },
        { status: request.status },
      );
    }
  }

  async auditRequest(
    manager: EntityManager,
    actor: Actor,
    action: string,
    requestId: string,
    before: object | null,
    after: object,
  ): Promise<void> {
    await this.audit.record(manager, actor, {
      action,
      subjectType: 'CONFIRMATION_REQUEST',
      subjectId: requestId,
      before,
      after,
    });
  }

  /** A decision moves the declarations with it (or only `only`): GRANTED accepts them, REFUSED rejects them. */
  private async decideDeclarations(
    manager: EntityManager,
    actor: Actor,
    exemptionId: string,
    status: 'ACCEPTED' | 'REJECTED',
    only: string[] | null,
  ): Promise<void> {
    const [changed]: [{ id: string; before: string }[], number] = await manager.query(
      `UPDATE hours_declarations d SET status = $2
         FROM (SELECT h.id, h.status FROM hours_declarations h
                 JOIN exemption_declarations ed ON ed.declaration_id = h.id
                WHERE ed.exemption_id = $1 AND h.status <> $2 AND ($3::uuid[] IS NULL OR h.id = ANY($3))
                FOR UPDATE OF h) old
        WHERE d.id = old.id
        RETURNING d.id, old.status AS before`,
      [exemptionId, status, only],
    );
    for (const declaration of changed) {
      await this.audit.record(manager, actor, {
        action: status === 'ACCEPTED' ? 'ACCEPT' : 'REJECT',
        subjectType: 'HOURS_DECLARATION',
        subjectId: declaration.id,
        before: { status: declaration.before },
        after: { status, exemptionId },
      });
    }
  }
}
