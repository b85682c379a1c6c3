import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import { RecordIdParam } from '../submissions/submissions.dto';
import { CreateContractDto, ListContractsQuery, ContractResponse } from './contracts.dto';
import { ContractsService } from './contracts.service';

@ApiTags('school submissions')
@ApiBearerAuth()
@Controller('contracts')
export class ContractsController {
  constructor(private readonly contracts: ContractsService) {}

  @Post()
  @Roles('SCHOOL')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateContractDto): Promise<ContractResponse> {
    return this.contracts.create(actor, dto);
  }

  /** A school sees its own contracts; AUDITOR, DUO and ADMIN see all, filterable by schoolId. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListContractsQuery): Promise<Page<ContractResponse>> {
    return this.contracts.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: RecordIdParam): Promise<ContractResponse> {
    return this.contracts.get(actor, id);
  }
}
