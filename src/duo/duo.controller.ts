import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { CsvBody, CsvUpload, CsvUploadBody } from '../common/http/csv-upload';
import { Page } from '../common/http/validators';
import { ImportAcceptedResponse } from '../imports/imports.dto';
import { ImportsService } from '../imports/imports.service';
import {
  DUO_IMPORT_TYPES,
  DuoContractResponse,
  DuoImportQuery,
  DuoPaymentResponse,
  ListDuoContractsQuery,
  ListPaymentsQuery,
} from './duo.dto';
import { DuoService } from './duo.service';

@ApiTags('DUO data')
@ApiBearerAuth()
@Controller('duo')
export class DuoController {
  constructor(
    private readonly imports: ImportsService,
    private readonly duo: DuoService,
  ) {}

  /**
   * DUO's loan accounts (`bsn,loan_limit_cents,term_ends_on,cohort_year,still_obliged`), payments
   * (`bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on`), contracts
   * (`bsn,school_kvk,contract_reference,start_date,end_date,hours,price_cents`) or exam results
   * (`bsn,exam_date,component,level`), imported in the background.
   */
  @Post('imports')
  @Roles('DUO')
  @HttpCode(202)
  @CsvUpload('bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on\n')
  importCsv(
    @CurrentActor() actor: Actor,
    @Query() { type }: DuoImportQuery,
    @CsvBody() body: CsvUploadBody,
  ): Promise<ImportAcceptedResponse> {
    return this.imports.accept(actor, DUO_IMPORT_TYPES[type], body);
  }

  @Get('payments')
  @Roles('DUO', 'AUDITOR', 'ADMIN')
  payments(@Query() query: ListPaymentsQuery): Promise<Page<DuoPaymentResponse>> {
    return this.duo.listPayments(query);
  }

  /** DUO's own contract records (loan-paid courses), as imported with `type=contracts`. */
  @Get('contracts')
  @Roles('DUO', 'AUDITOR', 'ADMIN')
  contracts(@Query() query: ListDuoContractsQuery): Promise<Page<DuoContractResponse>> {
    return this.duo.listContracts(query);
  }
}
