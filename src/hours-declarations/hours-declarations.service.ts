import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
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

  /** A declaration starts RECEIVED; the checks move it to CHECKED or FLAGGED. */
  create(actor: Actor, dto: CreateHoursDeclarationDto): Promise<HoursDeclarationResponse> {
    if (dto.periodEnd < dto.periodStart)
      throw new RuleViolationProblem('periodEnd must be on or after periodStart.', 'periodEnd');
    return this.submissions.create(actor, 'HOURS_DECLARATION', async (manager, schoolId) => {
      const learnerId = await this.learners.resolveId(manager, dto.learnerBsn);
      const { id } = await manager.save(
        manager.create(HoursDeclaration, {
          schoolId,
          learnerId,
          purpose: dto.purpose,
          periodStart: dto.periodStart,
          periodEnd: dto.periodEnd,
          hours: dto.hours,
          issuedOn: dto.issuedOn,
        }),
      );
      const declaration = await manager.findOneByOrFail(HoursDeclaration, { id });
      return {
        response: toResponse(declaration, await this.submissions.learnerRef(actor, learnerId, manager)),
        learnerIds: [learnerId],
      };
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
