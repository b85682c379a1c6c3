import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
import { ConflictProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { SubmissionsService } from '../submissions/submissions.service';
import { Group } from './group.entity';
import { CreateGroupDto, GroupResponse, ListGroupsQuery } from './groups.dto';
import { Route } from '../common/vocabulary';
import { ruleParameters } from '../rules/catalogue/rule-parameters';

/** The route maxima of rule GROUP_SIZE_EXCEEDED (an auditor's, else the catalogue's defaults). */
const routeMaxima = async (manager: EntityManager): Promise<Record<Route, number>> =>
  (await ruleParameters(manager, 'GROUP_SIZE_EXCEEDED')).routeMaxima;

const toResponse = (g: Group, maxima: Record<Route, number>): GroupResponse => ({
  id: g.id,
  schoolId: g.schoolId,
  code: g.code,
  route: g.route,
  maxSize: g.maxSize ?? maxima[g.route],
  createdAt: g.createdAt,
});

@Injectable()
export class GroupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submissions: SubmissionsService,
  ) {}

  /** Without maxSize the group follows the route maximum, also when an auditor changes it later. */
  create(actor: Actor, dto: CreateGroupDto): Promise<GroupResponse> {
    return this.submissions.create(actor, 'GROUP', async (manager, schoolId) => {
      if (await manager.existsBy(Group, { schoolId, code: dto.code })) {
        throw new ConflictProblem('code', 'This school already has a group with this code.');
      }
      const group = await manager.save(
        manager.create(Group, { schoolId, code: dto.code, route: dto.route, maxSize: dto.maxSize ?? null }),
      );
      return { response: toResponse(group, await routeMaxima(manager)), learnerIds: [] };
    });
  }

  async list(actor: Actor, query: ListGroupsQuery): Promise<Page<GroupResponse>> {
    const qb = this.dataSource.createQueryBuilder(Group, 'g').orderBy('g.code').addOrderBy('g.id');
    if (query.code) qb.andWhere('g.code = :code', { code: query.code });
    if (query.route) qb.andWhere('g.route = :route', { route: query.route });
    const [items, total] = await this.submissions.page(qb, actor, query);
    const maxima = await routeMaxima(this.dataSource.manager);
    return pageOf(
      items.map((g) => toResponse(g, maxima)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<GroupResponse> {
    const group = requireVisible(
      actor,
      await this.dataSource.getRepository(Group).findOneBy({ id }),
      'Group',
    );
    return toResponse(group, await routeMaxima(this.dataSource.manager));
  }
}
