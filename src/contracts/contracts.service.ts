import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
import { ConflictProblem, RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { LearnersService } from '../learners/learners.service';
import { LearnerRef } from '../submissions/submissions.dto';
import { SubmissionsService } from '../submissions/submissions.service';
import { Contract } from './contract.entity';
import { ContractResponse, CreateContractDto, ListContractsQuery } from './contracts.dto';

const toResponse = (c: Contract, learner: LearnerRef): ContractResponse => ({
  id: c.id,
  schoolId: c.schoolId,
  ...learner,
  reference: c.reference,
  startDate: c.startDate,
  endDate: c.endDate,
  hours: c.hours,
  priceCents: c.priceCents,
  funding: c.funding,
  createdAt: c.createdAt,
});

@Injectable()
export class ContractsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submissions: SubmissionsService,
    private readonly learners: LearnersService,
  ) {}

  create(actor: Actor, dto: CreateContractDto): Promise<ContractResponse> {
    if (dto.endDate < dto.startDate)
      throw new RuleViolationProblem('endDate must be on or after startDate.', 'endDate');
    return this.submissions.create(actor, 'CONTRACT', async (manager, schoolId) => {
      if (await manager.existsBy(Contract, { schoolId, reference: dto.reference })) {
        throw new ConflictProblem('reference', 'This school already has a contract with this reference.');
      }
      const learnerId = await this.learners.resolveId(manager, dto.learnerBsn);
      const contract = await manager.save(
        manager.create(Contract, {
          schoolId,
          learnerId,
          reference: dto.reference,
          startDate: dto.startDate,
          endDate: dto.endDate,
          hours: dto.hours,
          priceCents: dto.priceCents,
          funding: dto.funding,
        }),
      );
      return {
        response: toResponse(contract, await this.submissions.learnerRef(actor, learnerId, manager)),
        learnerIds: [learnerId],
      };
    });
  }

  async list(actor: Actor, query: ListContractsQuery): Promise<Page<ContractResponse>> {
    const qb = this.dataSource.createQueryBuilder(Contract, 'c').orderBy('c.startDate').addOrderBy('c.id');
    if (query.learnerId) qb.andWhere('c.learnerId = :learnerId', { learnerId: query.learnerId });
    if (query.reference) qb.andWhere('c.reference = :reference', { reference: query.reference });
    const [items, total] = await this.submissions.page(qb, actor, query);
    const refs = await this.submissions.learnerRefs(
      actor,
      items.map((c) => c.learnerId),
    );
    return pageOf(
      items.map((c) => toResponse(c, refs.get(c.learnerId)!)),
      total,
      query,
    );
  }

  async get(actor: Actor, id: string): Promise<ContractResponse> {
    const contract = requireVisible(
      actor,
      await this.dataSource.getRepository(Contract).findOneBy({ id }),
      'Contract',
    );
    return toResponse(contract, await this.submissions.learnerRef(actor, contract.learnerId));
  }
}
