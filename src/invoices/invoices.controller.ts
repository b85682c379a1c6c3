import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import { RecordIdParam } from '../submissions/submissions.dto';
import { CreateInvoiceDto, ListInvoicesQuery, InvoiceResponse } from './invoices.dto';
import { InvoicesService } from './invoices.service';

@ApiTags('school submissions')
@ApiBearerAuth()
@Controller('invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Post()
  @Roles('SCHOOL')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateInvoiceDto): Promise<InvoiceResponse> {
    return this.invoices.create(actor, dto);
  }

  /** A school sees its own invoices; AUDITOR, DUO and ADMIN see all, filterable by schoolId. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListInvoicesQuery): Promise<Page<InvoiceResponse>> {
    return this.invoices.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: RecordIdParam): Promise<InvoiceResponse> {
    return this.invoices.get(actor, id);
  }
}
