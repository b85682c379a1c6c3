import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { requireVisible, schoolScope } from '../common/auth/tenancy';
import { ConflictProblem, RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { PendingChecks } from '../queue/pending-checks';
import { Callers } from '../common/auth/callers';
import { KeurmerkEvent, KeurmerkStatus, Measure, SANCTIONS, School } from './school.entity';
import {
  CreateKeurmerkEventDto,
  CreateMeasureDto,
  CreateSchoolDto,
  KeurmerkEventResponse,
  ListSchoolsQuery,
  MeasureResponse,
  SchoolResponse,
  UpdateSchoolDto,
} from './schools.dto';

/** The keurmerk status of a school today, from the one SQL definition (keurmerk_status_on). */
const STATUS_TODAY = `keurmerk_status_on(s.id, (now() AT TIME ZONE 'Europe/Amsterdam')::date)`;

type SchoolRow = School & { keurmerkStatus: KeurmerkStatus };

const toResponse = (s: SchoolRow): SchoolResponse => ({
  id: s.id,
  name: s.name,
  kvkNumber: s.kvkNumber,
  bowNumber: s.bowNumber,
  keurmerkStatus: s.keurmerkStatus,
  closedOn: s.closedOn,
});

const eventResponse = (e: KeurmerkEvent): KeurmerkEventResponse => ({
  id: e.id,
  schoolId: e.schoolId,
  status: e.status,
  effectiveFrom: e.effectiveFrom,
  reason: e.reason,
  grounds: e.grounds,
  createdAt: e.createdAt,
});

const measureResponse = (m: Measure): MeasureResponse => ({
  id: m.id,
  schoolId: m.schoolId,
  kind: m.kind,
  validFrom: m.validFrom,
  validTo: m.validTo,
  note: m.note,
});

@Injectable()
export class SchoolsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly pendingChecks: PendingChecks,
    private readonly callers: Callers,
  ) {}

  async create(actor: Actor, dto: CreateSchoolDto): Promise<SchoolResponse> {
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(School, { kvkNumber: dto.kvkNumber })) {
        throw new ConflictProblem('kvkNumber', 'A school with this kvkNumber already exists.');
      }
      const school = await manager.save(
        manager.create(School, {
          name: dto.name,
          kvkNumber: dto.kvkNumber,
          bowNumber: dto.bowNumber ?? null,
        }),
      );
      const response = toResponse({ ...school, closedOn: null, keurmerkStatus: 'NONE' });
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'SCHOOL',
        subjectId: school.id,
        after: response,
      });
      return response;
    });
  }

  async list(actor: Actor, query: ListSchoolsQuery): Promise<Page<SchoolResponse>> {
    const qb = this.dataSource
      .createQueryBuilder(School, 's')
      .addSelect(STATUS_TODAY, 's_keurmerk_status')
      .orderBy('s.name')
      .addOrderBy('s.id');
    const scope = schoolScope(actor);
    if (scope) qb.where('s.id = :scope', { scope });
    const total = await qb.getCount();
    const { entities, raw } = await qb
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawAndEntities();
    const rows = entities.map((school, i) => ({
      ...school,
      keurmerkStatus: (raw[i] as { s_keurmerk_status: KeurmerkStatus }).s_keurmerk_status,
    }));
    return pageOf(rows.map(toResponse), total, query);
  }

  async get(actor: Actor, id: string): Promise<SchoolResponse> {
    const { entities, raw } = await this.dataSource
      .createQueryBuilder(School, 's')
      .addSelect(STATUS_TODAY, 's_keurmerk_status')
      .where('s.id = :id', { id })
      .getRawAndEntities();
    const school = requireVisible(
      actor,
      entities[0] && { ...entities[0], schoolId: entities[0].id },
      'School',
    );
    return toResponse({
      ...school,
      keurmerkStatus: (raw[0] as { s_keurmerk_status: KeurmerkStatus }).s_keurmerk_status,
    });
  }

  /** Records that the school ceased to exist (or, with null, that it did not), audited with before and after. */
  async update(actor: Actor, id: string, dto: UpdateSchoolDto): Promise<SchoolResponse> {
    const before = await this.get(actor, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(School, { id }, { closedOn: dto.closedOn });
      await this.audit.record(manager, actor, {
        action: 'UPDATE',
        subjectType: 'SCHOOL',
        subjectId: id,
        before: { closedOn: before.closedOn },
        after: { closedOn: dto.closedOn },
      });
    });
    this.callers.forget(); // its users may not submit from the next request on
    return { ...before, closedOn: dto.closedOn };
  }

  async addKeurmerkEvent(
    actor: Actor,
    schoolId: string,
    dto: CreateKeurmerkEventDto,
  ): Promise<KeurmerkEventResponse> {
    await this.get(actor, schoolId);
    const event = await this.dataSource.transaction((manager) =>
      this.recordKeurmerkEvent(manager, actor, schoolId, dto),
    );
    await this.pendingChecks.kick();
    return event;
  }

  /**
   * Writes a keurmerk event in the caller's transaction, audited, and marks the school for a sweep:
   * the one writer of keurmerk events (a granted keurmerk application writes through here too). The caller
   * kicks the pending checks once its transaction has committed.
   */
  async recordKeurmerkEvent(
    manager: EntityManager,
    actor: Actor,
    schoolId: string,
    dto: CreateKeurmerkEventDto,
  ): Promise<KeurmerkEventResponse> {
    if (dto.grounds && !SANCTIONS.includes(dto.status))
      throw new RuleViolationProblem('grounds apply to SUSPENDED and WITHDRAWN events only.', 'grounds');
    const event = await manager.save(
      manager.create(KeurmerkEvent, {
        schoolId,
        status: dto.status,
        effectiveFrom: dto.effectiveFrom,
        reason: dto.reason,
        grounds: dto.grounds ?? null,
        createdBy: actor.id,
      }),
    );
    const saved = await manager.findOneByOrFail(KeurmerkEvent, { id: event.id });
    await this.audit.record(manager, actor, {
      action: 'CREATE',
      subjectType: 'KEURMERK_EVENT',
      subjectId: saved.id,
      after: eventResponse(saved),
    });
    await this.pendingChecks.markSchool(manager, schoolId);
    return eventResponse(saved);
  }

  async keurmerkHistory(actor: Actor, schoolId: string): Promise<KeurmerkEventResponse[]> {
    await this.get(actor, schoolId);
    const events = await this.dataSource
      .getRepository(KeurmerkEvent)
      .find({ where: { schoolId }, order: { effectiveFrom: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    return events.map(eventResponse);
  }

  async addMeasure(actor: Actor, schoolId: string, dto: CreateMeasureDto): Promise<MeasureResponse> {
    await this.get(actor, schoolId);
    if (dto.validTo < dto.validFrom)
      throw new RuleViolationProblem('validTo must be on or after validFrom.', 'validTo');
    const created = await this.dataSource.transaction(async (manager) => {
      const measure = await manager.save(
        manager.create(Measure, {
          schoolId,
          kind: dto.kind,
          validFrom: dto.validFrom,
          validTo: dto.validTo,
          note: dto.note ?? null,
          createdBy: actor.id,
        }),
      );
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'MEASURE',
        subjectId: measure.id,
        after: measureResponse(measure),
      });
      await this.pendingChecks.markSchool(manager, schoolId);
      return measureResponse(measure);
    });
    await this.pendingChecks.kick();
    return created;
  }

  async measures(actor: Actor, schoolId: string): Promise<MeasureResponse[]> {
    await this.get(actor, schoolId);
    const measures = await this.dataSource
      .getRepository(Measure)
      .find({ where: { schoolId }, order: { validFrom: 'ASC', id: 'ASC' } });
    return measures.map(measureResponse);
  }

  /** Every school's id and name, by name: for choosing one (a filter), without the keurmerk status per school. */
  directory(): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query(`SELECT id, name FROM schools ORDER BY name, id`);
  }

  /** The names of these schools, by id (for lists that name a school per row). */
  async namesOf(ids: readonly (string | null)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows: { id: string; name: string }[] = await this.dataSource.query(
      `SELECT id, name FROM schools WHERE id = ANY($1::uuid[])`,
      [wanted],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** Whether the school exists: for services that take a schoolId from staff. */
  async exists(manager: EntityManager, schoolId: string): Promise<boolean> {
    return manager.existsBy(School, { id: schoolId });
  }
}
