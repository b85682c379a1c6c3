import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
import { ConflictProblem, RuleViolationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { Contract } from '../contracts/contract.entity';
import { LearnerRef } from '../submissions/submissions.dto';
import { SubmissionsService } from '../submissions/submissions.service';
import { Invoice } from './invoice.entity';
import { CreateInvoiceDto, InvoiceResponse, ListInvoicesQuery } from './invoices.dto';

const toResponse = (i: Invoice, contractReference: string, learner: LearnerRef): InvoiceResponse => ({
  id: i.id,
  schoolId: i.schoolId,
  contractId: i.contractId,
  contractReference,
  ...learner,
  invoiceNumber: i.invoiceNumber,
  invoiceDate: i.invoiceDate,
  periodStart: i.periodStart,
  periodEnd: i.periodEnd,
  hours: i.hours,
  amountCents: i.amountCents,
  createdAt: i.createdAt,
});

@Injectable()
export class InvoicesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submissions: SubmissionsService,
  ) {}

  /** Invoices only afterwards (invoiceDate >= periodEnd), for a period within the contract; else 422. */
  create(actor: Actor, dto: CreateInvoiceDto): Promise<InvoiceResponse> {
    if (dto.periodEnd < dto.periodStart)
      throw new RuleViolationProblem('periodEnd must be on or after periodStart.', 'periodEnd');
    if (dto.invoiceDate < dto.periodEnd) {
      throw new RuleViolationProblem(
        'invoiceDate must be on or after periodEnd: a school invoices only afterwards.',
        'invoiceDate',
      );
    }
    return this.submissions.create(actor, 'INVOICE', async (manager, schoolId) => {
      const contract = await manager.findOneBy(Contract, { schoolId, reference: dto.contractReference });
      if (!contract)
        throw new RuleViolationProblem(
          'contractReference names no contract of this school.',
          'contractReference',
        );
      if (dto.periodStart < contract.startDate) {
        throw new RuleViolationProblem(
          `periodStart lies before the contract starts (${contract.startDate}).`,
          'periodStart',
        );
      }
      if (dto.periodEnd > contract.endDate) {
        throw new RuleViolationProblem(
          `periodEnd lies after the contract ends (${contract.endDate}).`,
          'periodEnd',
        );
      }
      if (await manager.existsBy(Invoice, { schoolId, invoiceNumber: dto.invoiceNumber })) {
        throw new ConflictProblem(
          'invoiceNumber',
          'This school already registered an invoice with this number.',
        );
      }
      const invoice = await manager.save(
        manager.create(Invoice, {
          schoolId,
          contractId: contract.id,
          learnerId: contract.learnerId,
          invoiceNumber: dto.invoiceNumber,
          invoiceDate: dto.invoiceDate,
          periodStart: dto.periodStart,
          periodEnd: dto.periodEnd,
          hours: dto.hours,
          amountCents: dto.amountCents,
        }),
      );
      const learner = await this.submissions.learnerRef(actor, contract.learnerId, manager);
      return { response: toResponse(invoice, contract.reference, learner), learnerIds: [contract.learnerId] };
    });
  }

  async list(actor: Actor, query: ListInvoicesQuery): Promise<Page<InvoiceResponse>> {
    const qb = this.dataSource
      .createQueryBuilder(Invoice, 'i')
      .orderBy('i.invoiceDate')
      .addOrderBy('i.invoiceNumber')
      .addOrderBy('i.id');
    if (query.learnerId) qb.andWhere('i.learnerId = :learnerId', { learnerId: query.learnerId });
    if (query.contractId) qb.andWhere('i.contractId = :contractId', { contractId: query.contractId });
    if (query.invoiceNumber)
      qb.andWhere('i.invoiceNumber = :invoiceNumber', { invoiceNumber: query.invoiceNumber });
    const [items, total] = await this.submissions.page(qb, actor, query);
    return pageOf(await this.responses(actor, items), total, query);
  }

  async get(actor: Actor, id: string): Promise<InvoiceResponse> {
    const invoice = requireVisible(
      actor,
      await this.dataSource.getRepository(Invoice).findOneBy({ id }),
      'Invoice',
    );
    return (await this.responses(actor, [invoice]))[0];
  }

  private async responses(
    actor: Actor,
    invoices: Invoice[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<InvoiceResponse[]> {
    const contracts = await manager.find(Contract, {
      where: { id: In(invoices.map((i) => i.contractId)) },
      select: { id: true, reference: true },
    });
    const referenceOf = new Map(contracts.map((c) => [c.id, c.reference]));
    const refs = await this.submissions.learnerRefs(
      actor,
      invoices.map((i) => i.learnerId),
      manager,
    );
    return invoices.map((i) =>
      toResponse(i, referenceOf.get(i.contractId) as string, refs.get(i.learnerId)!),
    );
  }
}
