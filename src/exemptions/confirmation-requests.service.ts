import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../common/auth/actor';
import { requireVisible, schoolScope } from '../common/auth/tenancy';
import { RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { ConfirmationRequest, ExemptionStatus } from './exemption.entity';
import { amsterdamToday } from '../common/calendar';
import { blockerReasons, ExemptionWorkflow, Step } from './exemption-workflow.service';
import {
  ConfirmationRequestDeclaration,
  ConfirmationRequestResponse,
  ListConfirmationRequestsQuery,
  RespondToConfirmationRequestDto,
} from './confirmation-requests.dto';

interface RequestRow {
  id: string;
  exemption_id: string;
  school_id: string;
  declarations: ConfirmationRequestDeclaration[];
  due_on: string;
  status: ConfirmationRequest['status'];
  issued: boolean | null;
  note: string | null;
  responded_at: Date | null;
  created_at: Date;
}

const SELECT_REQUESTS = `
  SELECT r.id, r.exemption_id, r.school_id, r.status, r.issued, r.note, r.responded_at, r.created_at,
         to_char(r.due_on, 'YYYY-MM-DD') AS due_on,
         (SELECT jsonb_agg(jsonb_build_object('id', d.id, 'source', d.source, 'learnerId', d.learner_id,
                   'bsnMasked', '*****' || l.bsn_last4, 'purpose', d.purpose, 'periodStart', d.period_start,
                   'periodEnd', d.period_end, 'hours', d.hours, 'issuedOn', d.issued_on) ORDER BY d.period_start, d.id)
            FROM confirmation_request_declarations c
            JOIN hours_declarations d ON d.id = c.declaration_id
            JOIN learners l ON l.id = d.learner_id
           WHERE c.confirmation_request_id = r.id) AS declarations
    FROM confirmation_requests r`;

/** The school's side of the exemption workflow: did it issue the declarations DUO cannot match to a contract or its register? */
@Injectable()
export class ConfirmationRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly workflow: ExemptionWorkflow,
  ) {}

  async list(actor: Actor, query: ListConfirmationRequestsQuery): Promise<Page<ConfirmationRequestResponse>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const schoolId = schoolScope(actor, query.schoolId);
    if (schoolId) where.push(`r.school_id = $${params.push(schoolId)}`);
    if (query.status) where.push(`r.status = $${params.push(query.status)}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM confirmation_requests r ${filter}`,
      params,
    );
    const rows: RequestRow[] = await this.dataSource.query(
      `${SELECT_REQUESTS} ${filter} ORDER BY r.due_on, r.created_at, r.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, (query.page - 1) * query.pageSize],
    );
    return pageOf(
      rows.map((row) => toResponse(actor, row)),
      total,
      query,
    );
  }

  /**
   * The school's answer. Not issued: its declarations are REJECTED, a forgery report (aangifte van valsheid
   * in geschrifte) is recorded for each and the exemption REFUSED, automatically. Issued: once every school
   * concerned confirmed, the case is READY_FOR_DECISION, or goes to the learner when an irregularity stands in the way.
   */
  async respond(
    actor: Actor,
    id: string,
    dto: RespondToConfirmationRequestDto,
  ): Promise<ConfirmationRequestResponse> {
    const visible = requireVisible(
      actor,
      await this.find(this.dataSource.manager, id),
      'Confirmation request',
    );
    await this.dataSource.transaction(async (manager) => {
      const exemption = await this.workflow.lock(manager, visible.exemption_id);
      const request = (await this.find(manager, id)) as RequestRow;
      if (request.status !== 'PENDING')
        throw new RuleViolationProblem(
          `This confirmation request is ${request.status} and takes no answer.`,
          'issued',
        );
      const status = dto.issued ? 'CONFIRMED' : 'DENIED';
      await manager.update(
        ConfirmationRequest,
        { id },
        {
          status,
          issued: dto.issued,
          note: dto.note ?? null,
          respondedBy: actor.id,
          respondedAt: () => 'now()',
        },
      );
      const declarationIds = request.declarations.map((d) => d.id);
      const forgeryReportIds = dto.issued ? [] : await this.reportForgery(manager, request);
      await this.workflow.auditRequest(
        manager,
        actor,
        'RESPOND',
        id,
        { status: 'PENDING' },
        {
          status,
          issued: dto.issued,
          note: dto.note ?? null,
          ...(dto.issued ? {} : { forgeryReportIds }),
        },
      );

      const answer: Step = {
        action: dto.issued ? 'SCHOOL_CONFIRMED' : 'SCHOOL_DENIED',
        status: exemption.status,
        details: { declarationIds, confirmationRequestId: id, issued: dto.issued },
      };
      const next: Step | ExemptionStatus = dto.issued
        ? await this.afterConfirmation(manager, exemption.id)
        : {
            action: 'REFUSE',
            status: 'REFUSED',
            reason: `The school stated it did not issue hours declaration(s) ${declarationIds.join(', ')}; a forgery report was recorded.`,
            details: { forgeryReportIds },
            rejectOnly: declarationIds,
          };
      if (typeof next === 'string') {
        // The school's answer moves the case itself (or leaves it waiting for other schools).
        await this.workflow.step(manager, actor, exemption, { ...answer, status: next });
      } else {
        // The answer is recorded as the school's; what follows from it, as the system's.
        await this.workflow.record(manager, actor, exemption.id, exemption.status, answer);
        await this.workflow.step(manager, SYSTEM_ACTOR, exemption, next);
      }
    });
    return toResponse(actor, (await this.find(this.dataSource.manager, id)) as RequestRow);
  }

  /** Where the case stands once a school confirmed: still waiting for other schools, ready, or (a system step) blocked. */
  private async afterConfirmation(
    manager: EntityManager,
    exemptionId: string,
  ): Promise<Step | ExemptionStatus> {
    const [{ pending }]: { pending: number }[] = await manager.query(
      `SELECT count(*)::int AS pending FROM confirmation_requests WHERE exemption_id = $1 AND status = 'PENDING'`,
      [exemptionId],
    );
    if (pending > 0) return 'AWAITING_SCHOOL';
    const declarationIds = (
      await manager.query<{ id: string }[]>(
        `SELECT declaration_id AS id FROM exemption_declarations WHERE exemption_id = $1`,
        [exemptionId],
      )
    ).map((row) => row.id);
    const standings = await this.workflow.standings(manager, declarationIds, amsterdamToday());
    const reason = blockerReasons({ openHighFlag: standings.some((s) => s.open_high_flag) });
    return reason
      ? { action: 'REQUEST_LEARNER_EVIDENCE', status: 'AWAITING_LEARNER_EVIDENCE', reason }
      : 'READY_FOR_DECISION';
  }

  /** A forgery report per declaration the school denied (one per declaration, ever). */
  private async reportForgery(manager: EntityManager, request: RequestRow): Promise<string[]> {
    const reports: { id: string }[] = await manager.query(
      `INSERT INTO forgery_reports (declaration_id, school_id, exemption_id, confirmation_request_id)
       SELECT unnest($1::uuid[]), $2, $3, $4
       ON CONFLICT (declaration_id) DO UPDATE SET declaration_id = EXCLUDED.declaration_id
       RETURNING id`,
      [request.declarations.map((d) => d.id), request.school_id, request.exemption_id, request.id],
    );
    return reports.map((report) => report.id);
  }

  private async find(
    manager: EntityManager,
    id: string,
  ): Promise<(RequestRow & { schoolId: string }) | undefined> {
    const [row]: RequestRow[] = await manager.query(`${SELECT_REQUESTS} WHERE r.id = $1`, [id]);
    return row && { ...row, schoolId: row.school_id };
  }
}

function toResponse(actor: Actor, row: RequestRow): ConfirmationRequestResponse {
  return {
    id: row.id,
    schoolId: row.school_id,
    declarationIds: row.declarations.map((d) => d.id),
    declarations: row.declarations.map((d) => ({ ...d, hours: Number(d.hours) })),
    dueOn: row.due_on,
    status: row.status,
    issued: row.issued,
    note: row.note,
    respondedAt: row.responded_at,
    createdAt: row.created_at,
    ...(actor.role === 'SCHOOL' ? {} : { exemptionId: row.exemption_id }),
  };
}
