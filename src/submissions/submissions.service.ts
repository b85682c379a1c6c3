import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AuditSubjectType } from '../audit/audit-event.entity';
import { auditCte } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { owningSchool, schoolScope } from '../common/auth/tenancy';
import { LearnersService } from '../learners/learners.service';
import { PendingChecks } from '../queue/pending-checks';
import { queryPrepared } from '../database/prepared';
import { SqlParams } from '../database/sql-params';
import { LearnerRef, SchoolFilterQuery } from './submissions.dto';

export interface Written<T> {
  /** What the API answers. */
  response: T & { id: string };
  /** The learners the record names: marked for checking. */
  learnerIds: string[];
}

/**
 * What every school submission shares, in one place: the create transaction with its audit event
 * and pending-check markers, the tenancy-scoped page, and the learner (BSN) view of records.
 */
@Injectable()
export class SubmissionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pendingChecks: PendingChecks,
    private readonly learners: LearnersService,
  ) {}

  /**
   * Writes a record of the actor's (SCHOOL) school in one transaction with its audit event and the
   * checks it makes pending; asks for the checks after commit. A SCHOOL's view of a record shows
   * only masked BSNs, so the audited response holds none in full.
   */
  async create<T>(
    actor: Actor,
    subjectType: AuditSubjectType,
    write: (manager: EntityManager, schoolId: string) => Promise<Written<T>>,
  ): Promise<T & { id: string }> {
    const schoolId = owningSchool(actor);
    const response = await this.dataSource.transaction(async (manager) => {
      const written = await write(manager, schoolId);
      const sql = new SqlParams();
      const record = `written AS (SELECT ${sql.add(written.response.id, 'text')} AS id, ${sql.add(schoolId, 'uuid')} AS school_id,
                                         ${sql.add(written.learnerIds, 'uuid[]')} AS learner_ids)`;
      const bookkeeping = this.bookkeeping(sql, actor, subjectType, sql.add(written.response, 'jsonb'));
      await manager.query(`WITH ${record}, ${bookkeeping} SELECT 1`, sql.values);
      return written.response;
    });
    await this.pendingChecks.kick();
    return response;
  }

  /**
   * One record naming one learner, written by a single statement with its audit event and pending-check markers
   * (atomic without a transaction around it: one round trip to the database), the checks asked for after it.
   * `insert` is an INSERT reading the CTE `learner(id)` and RETURNING id, school_id, learner_id and the columns
   * `filled` names; `draft` is the response but for those, which the row fills in.
   */
  async createOne<T extends { id: string }>(
    actor: Actor,
    subjectType: AuditSubjectType,
    record: {
      learnerBsn: string;
      insert: (sql: SqlParams, schoolId: string) => string;
      draft: T;
      filled: Partial<Record<keyof T & string, string>>;
    },
  ): Promise<T> {
    const schoolId = owningSchool(actor);
    const sql = new SqlParams();
    const filled = Object.entries(record.filled) as [string, string][];
    const learner = this.learners.learnerCte(sql, record.learnerBsn);
    const insert = record.insert(sql, schoolId);
    const after = `${sql.add(record.draft, 'jsonb')} || jsonb_build_object(${filled.map(([key, column]) => `'${key}', record.${column}`).join(', ')})`;
    // Prepared: the same text for every record of this type, run for every submission.
    const [row] = await queryPrepared<Record<string, unknown>>(
      this.dataSource,
      `create-one-${subjectType}`,
      `WITH ${learner}, record AS (${insert}),
         written AS (SELECT id::text, school_id, ARRAY[learner_id] AS learner_ids FROM record),
         ${this.bookkeeping(sql, actor, subjectType, `(SELECT ${after} FROM record)`)}
       SELECT ${filled.map(([key, column]) => `${column} AS "${key}"`).join(', ')} FROM record`,
      sql.values,
    );
    await this.pendingChecks.kick();
    return { ...record.draft, ...row };
  }

  /** The audit event and pending-check markers of the record in the CTE `written(id, school_id, learner_ids)`. */
  private bookkeeping(sql: SqlParams, actor: Actor, subjectType: AuditSubjectType, after: string): string {
    const audit = auditCte(sql, actor, {
      action: 'CREATE',
      subjectType,
      from: 'written',
      subjectId: 'id',
      after,
    });
    return `audit AS (${audit}), marked AS (${PendingChecks.markingCte('written')})`;
  }

  /** One page of a collection, limited to what the actor may see (`alias.schoolId`), with the total. */
  async page<E extends ObjectLiteral>(
    qb: SelectQueryBuilder<E>,
    actor: Actor,
    query: SchoolFilterQuery,
  ): Promise<[E[], number]> {
    const scope = schoolScope(actor, query.schoolId);
    if (scope) qb.andWhere(`${qb.alias}.schoolId = :scope`, { scope });
    return qb
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
  }

  /** The learner references of these learners as this actor may see them, in one query. */
  async learnerRefs(
    actor: Actor,
    learnerIds: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, LearnerRef>> {
    const ids = [...new Set(learnerIds)];
    if (ids.length === 0) return new Map();
    const withBsn = actor.role === 'DUO';
    const rows: { id: string; bsn_last4: string; bsn_ciphertext?: Buffer }[] = await manager.query(
      `SELECT id, bsn_last4${withBsn ? ', bsn_ciphertext' : ''} FROM learners WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          learnerId: row.id,
          ...this.learners.bsnView(actor, { bsnLast4: row.bsn_last4, bsnCiphertext: row.bsn_ciphertext }),
        },
      ]),
    );
  }

  /** The learner reference of one learner the caller just resolved (the actor may see it: it is on their record). */
  async learnerRef(actor: Actor, learnerId: string, manager?: EntityManager): Promise<LearnerRef> {
    return (await this.learnerRefs(actor, [learnerId], manager)).get(learnerId) as LearnerRef;
  }
}
