import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Page, pageOf } from '../common/http/validators';
import { DuoContractResponse, DuoPaymentResponse, ListDuoContractsQuery, ListPaymentsQuery } from './duo.dto';

@Injectable()
export class DuoService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The imported DUO payments, filterable by school KvK, invoice number and learner; oldest payment first. */
  async listPayments(query: ListPaymentsQuery): Promise<Page<DuoPaymentResponse>> {
    const filter = `($1::text IS NULL OR school_kvk = $1) AND ($2::text IS NULL OR invoice_number = $2) AND ($3::uuid IS NULL OR learner_id = $3)`;
    const params = [query.schoolKvk ?? null, query.invoiceNumber ?? null, query.learnerId ?? null];
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM duo_payments WHERE ${filter}`,
      params,
    );
    const items: DuoPaymentResponse[] = await this.dataSource.query(
      `SELECT id, learner_id AS "learnerId", school_kvk AS "schoolKvk", contract_reference AS "contractReference",
              invoice_number AS "invoiceNumber", amount_cents::float AS "amountCents", to_char(paid_on, 'YYYY-MM-DD') AS "paidOn",
              import_id AS "importId"
       FROM duo_payments WHERE ${filter}
       ORDER BY paid_on, id LIMIT $4 OFFSET $5`,
      [...params, query.pageSize, (query.page - 1) * query.pageSize],
    );
    return pageOf(items, total, query);
  }

  /** DUO's contract records, filterable by school KvK and learner; earliest start first. */
  async listContracts(query: ListDuoContractsQuery): Promise<Page<DuoContractResponse>> {
    const filter = `($1::text IS NULL OR school_kvk = $1) AND ($2::uuid IS NULL OR learner_id = $2)`;
    const params = [query.schoolKvk ?? null, query.learnerId ?? null];
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM duo_contracts WHERE ${filter}`,
      params,
    );
    const items: DuoContractResponse[] = await this.dataSource.query(
      `SELECT id, learner_id AS "learnerId", school_kvk AS "schoolKvk", contract_reference AS "contractReference",
              to_char(start_date, 'YYYY-MM-DD') AS "startDate", to_char(end_date, 'YYYY-MM-DD') AS "endDate",
              hours::float AS hours, price_cents::float AS "priceCents", import_id AS "importId"
       FROM duo_contracts WHERE ${filter}
       ORDER BY start_date, id LIMIT $3 OFFSET $4`,
      [...params, query.pageSize, (query.page - 1) * query.pageSize],
    );
    return pageOf(items, total, query);
  }
}
