import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { owningSchool, requireVisible } from '../common/auth/tenancy';
import { RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { LearnersService } from '../learners/learners.service';
import { LearnerRef } from '../submissions/submissions.dto';
import { SubmissionsService } from '../submissions/submissions.service';
import { HoursDeclaration } from './hours-declaration.entity';
import {
  CreateHoursDeclarationDto,
  HoursDeclarationResponse,
  ListHoursDeclarationsQuery,
} from './hours-declarations.dto';

const toResponse = (d: HoursDeclaration, learner: LearnerRef): HoursDeclarationResponse => ({
  id: d.id,
  schoolId: d.schoolId,
  schoolKvk: d.schoolKvk,
  source: d.source,
  ...learner,
  purpose: d.purpose,
  periodStart: d.periodStart,
  periodEnd: d.periodEnd,
  hours: d.hours,
  issuedOn: d.issuedOn,
  status: d.status,
  createdAt: d.createdAt,
});

@Injectable()
export class HoursDeclarationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submissions: SubmissionsService,
    private readonly learners: LearnersService,
  ) {}

  /**
   * A declaration starts RECEIVED; the checks move it to CHECKED or FLAGGED. Written in one statement with the
   * learner it names, its audit event and its pending checks (SubmissionsService.createOne).
   */
  create(actor: Actor, dto: CreateHoursDeclarationDto): Promise<HoursDeclarationResponse> {
    if (dto.periodEnd < dto.periodStart)
      throw new RuleViolationProblem('periodEnd must be on or after periodStart.', 'periodEnd');
    const draft = toResponse(
      {
        id: randomUUID(),
        schoolId: owningSchool(actor),
        schoolKvk: '', // filled from the school by the database
        source: 'SCHOOL',
        learnerId: '',
        purpose: dto.purpose,
        periodStart: dto.periodStart,
        periodEnd: dto.periodEnd,
        hours: dto.hours,
        issuedOn: dto.issuedOn,
        status: 'RECEIVED',
        createdAt: new Date(),
      },
      { learnerId: '', ...this.learners.bsnView(actor, { bsnLast4: dto.learnerBsn.slice(-4) }) },
    );
    return this.submissions.createOne(actor, 'HOURS_DECLARATION', {
      learnerBsn: dto.learnerBsn,
      draft,
      filled: { learnerId: 'learner_id', schoolKvk: 'school_kvk' },
      insert: (sql, schoolId) => `
        INSERT INTO hours_declarations (id, school_id, learner_id, purpose, period_start, period_end, hours, issued_on, created_at)
        SELECT ${sql.add(draft.id, 'uuid')}, ${sql.add(schoolId, 'uuid')}, learner.id, ${sql.add(dto.purpose, 'text')},
               ${sql.add(dto.periodStart, 'date')}, ${sql.add(dto.periodEnd, 'date')}, ${sql.add(dto.hours, 'numeric')},
               ${sql.add(dto.issuedOn, 'date')}, ${sql.add(draft.createdAt, 'timestamptz')}
        FROM learner
        RETURNING id, school_id, learner_id, school_kvk`,
    });
  }

  async list(actor: Actor, query: ListHoursDeclarationsQuery): Promise<Page<HoursDeclarationResponse>> {
    const qb = this.dataSource
      .createQueryBuilder(HoursDeclaration, 'd')
      .orderBy('d.createdAt')
      .addOrderBy('d.id');
    if (query.learnerId) qb.andWhere('d.learnerId = :learnerId', { learnerId: query.learnerId });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.purpose) qb.andWhere('d.purpose = :purpose', { purpose: query.purpose });
    const [items, total] = await this.submissions.page(qb, actor, query);
    const refs = await this.submissions.learnerRefs(
      actor,
      items.map((d) => d.learnerId),
    );
    return pageOf(
      items.map((d) => toResponse(d, refs.get(d.learnerId)!)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<HoursDeclarationResponse> {
    const declaration = requireVisible(
      actor,
      await this.dataSource.getRepository(HoursDeclaration).findOneBy({ id }),
      'HoursDeclaration',
    );
    return toResponse(declaration, await this.submissions.learnerRef(actor, declaration.learnerId));
  }
}
