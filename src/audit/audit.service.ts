import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor, isSystemActor } from '../common/auth/actor';
import { Page, pageOf } from '../common/http/validators';
import { AuditEvent, AuditSubjectType } from './audit-event.entity';
import { AuditQuery } from './audit-query.dto';

export interface AuditEntry {
  action: string;
  subjectType: AuditSubjectType;
  subjectId: string;
  before?: object | null;
  after?: object | null;
}

/** Writes the audit trail, always inside the transaction of the change it records. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditEvent, {
      actorId: isSystemActor(actor) ? null : actor.id,
      actorRole: isSystemActor(actor) ? 'SYSTEM' : actor.role,
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
