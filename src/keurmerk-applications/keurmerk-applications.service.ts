import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { NotFoundProblem, RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { amsterdamToday } from '../common/calendar';
import { KeurmerkEventStatus } from '../schools/school.entity';
import { PendingChecks } from '../queue/pending-checks';
import { SchoolsService } from '../schools/schools.service';
import { ApplicationKind, KeurmerkApplication } from './keurmerk-application.entity';
import {
  CreateKeurmerkApplicationDto,
  DecideKeurmerkApplicationDto,
  KeurmerkApplicationResponse,
  ListKeurmerkApplicationsQuery,
} from './keurmerk-applications.dto';

/** The keurmerk event a granted application writes. */
const GRANTED_STATUS: Record<ApplicationKind, KeurmerkEventStatus> = {
  ASPIRANT: 'ASPIRANT',
  KEURMERK: 'GRANTED',
};

const toResponse = (a: KeurmerkApplication): KeurmerkApplicationResponse => ({
  id: a.id,
  schoolId: a.schoolId,
  kind: a.kind,
  receivedOn: a.receivedOn,
  status: a.status,
  decision:
    a.status === 'RECEIVED'
      ? null
      : {
          outcome: a.status,
          reason: a.decisionReason as string,
          decidedOn: a.decidedOn as string,
          effectiveFrom: a.effectiveFrom,
          decidedBy: a.decidedBy,
          keurmerkEventId: a.keurmerkEventId,
        },
  createdAt: a.createdAt,
});

/** Applications for the (aspirant-)keurmerk, received and decided by Blik op Werk. */
@Injectable()
export class KeurmerkApplicationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly schools: SchoolsService,
    private readonly pendingChecks: PendingChecks,
  ) {}

  async create(actor: Actor, dto: CreateKeurmerkApplicationDto): Promise<KeurmerkApplicationResponse> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.schools.exists(manager, dto.schoolId)))
        throw new RuleViolationProblem('schoolId names no school.', 'schoolId');
      const { id } = await manager.save(
        manager.create(KeurmerkApplication, {
          schoolId: dto.schoolId,
          kind: dto.kind,
          receivedOn: dto.receivedOn,
          status: 'RECEIVED',
          createdBy: actor.id,
        }),
      );
      const response = toResponse(await manager.findOneByOrFail(KeurmerkApplication, { id }));
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'KEURMERK_APPLICATION',
        subjectId: id,
        after: response,
      });
      return response;
    });
  }

  async list(query: ListKeurmerkApplicationsQuery): Promise<Page<KeurmerkApplicationResponse>> {
    const [items, total] = await this.dataSource.manager.findAndCount(KeurmerkApplication, {
      where: {
        ...(query.schoolId ? { schoolId: query.schoolId } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      order: { receivedOn: 'DESC', createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return pageOf(items.map(toResponse), total, query);
  }

  async get(id: string): Promise<KeurmerkApplicationResponse> {
    const application = await this.dataSource.manager.findOneBy(KeurmerkApplication, { id });
    if (!application) throw new NotFoundProblem('Keurmerk application');
    return toResponse(application);
  }

  /**
   * Decides a RECEIVED application once. GRANTED writes the keurmerk event (ASPIRANT for an aspirant
   * application, GRANTED for the keurmerk) from effectiveFrom, in the same transaction.
   */
  async decide(
    actor: Actor,
    id: string,
    dto: DecideKeurmerkApplicationDto,
  ): Promise<KeurmerkApplicationResponse> {
    const decided = await this.dataSource.transaction(async (manager) => {
      const application = await manager.findOne(KeurmerkApplication, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!application) throw new NotFoundProblem('Keurmerk application');
      if (application.status !== 'RECEIVED')
        throw new RuleViolationProblem(`This application was already ${application.status}.`, 'outcome');
      const decidedOn = dto.decidedOn ?? amsterdamToday();
      if (decidedOn < application.receivedOn)
        throw new RuleViolationProblem('decidedOn may not lie before receivedOn.', 'decidedOn');
      const before = toResponse(application);
      const granted = dto.outcome === 'GRANTED';
      const effectiveFrom = granted ? (dto.effectiveFrom ?? decidedOn) : null;
      const event = granted
        ? await this.schools.recordKeurmerkEvent(manager, actor, application.schoolId, {
            status: GRANTED_STATUS[application.kind],
            effectiveFrom: effectiveFrom as string,
            reason: dto.reason,
          })
        : null;
      Object.assign(application, {
        status: dto.outcome,
        decisionReason: dto.reason,
        decidedOn,
        effectiveFrom,
        decidedBy: actor.id,
        keurmerkEventId: event?.id ?? null,
      });
      await manager.save(application);
      const after = toResponse(application);
      await this.audit.record(manager, actor, {
        action: 'DECIDE',
        subjectType: 'KEURMERK_APPLICATION',
        subjectId: id,
        before,
        after,
      });
      return after;
    });
    // A granted application wrote a keurmerk event: its school's records are checked against it now.
    if (decided.status === 'GRANTED') await this.pendingChecks.kick();
    return decided;
  }
}
