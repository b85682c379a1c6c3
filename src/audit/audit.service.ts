import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, isSystemActor } from '../common/auth/actor';
import { Page, pageOf } from '../common/http/validators';
import { AuditEvent, AuditSubjectType } from './audit-event.entity';
import { AuditQuery } from './audit-query.dto';
import { SqlParams } from '../database/sql-params';

export interface AuditEntry {
  action: string;
  subjectType: AuditSubjectType;
  subjectId: string;
  before?: object | null;
  after?: object | null;
}

const actorColumns = (actor: Actor): { actorId: string | null; actorRole: string } =>
  isSystemActor(actor)
    ? { actorId: null, actorRole: 'SYSTEM' }
    : { actorId: actor.id, actorRole: actor.role };

/**
 * The audit event of a change as a CTE of the statement that makes it (atomic with it): one event per row of
 * `from`, whose SQL expressions `subjectId` and `after` give the subject and what it became.
 */
export function auditCte(
  sql: SqlParams,
  actor: Actor,
  entry: { action: string; subjectType: AuditSubjectType; from: string; subjectId: string; after: string },
): string {
  const { actorId, actorRole } = actorColumns(actor);
  return `INSERT INTO audit_events (actor_id, actor_role, action, subject_type, subject_id, after)
    SELECT ${sql.add(actorId, 'uuid')}, ${sql.add(actorRole, 'text')}, ${sql.add(entry.action, 'text')}, ${sql.add(entry.subjectType, 'text')},
           ${entry.subjectId}, ${entry.after} FROM ${entry.from}`;
}

/** Writes the audit trail, always inside the transaction of the change it records. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditEvent, {
      ...actorColumns(actor),
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      before: entry.before ?? null,
      after: entry.after ?? null,
    });
  }

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const qb = this.events.createQueryBuilder('e').orderBy('e.at', 'DESC').addOrderBy('e.id', 'DESC');
    if (query.subjectType) qb.andWhere('e.subjectType = :subjectType', { subjectType: query.subjectType });
    if (query.subjectId) qb.andWhere('e.subjectId = :subjectId', { subjectId: query.subjectId });
    if (query.actorId) qb.andWhere('e.actorId = :actorId', { actorId: query.actorId });
    if (query.from) qb.andWhere('e.at >= :from', { from: query.from });
    // `to` has millisecond precision, `at` microseconds: an event stamped within the named millisecond is in.
    if (query.to) qb.andWhere(`e.at < :to::timestamptz + interval '1 millisecond'`, { to: query.to });
    const [items, total] = await qb
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return pageOf(items, total, query);
  }
}
