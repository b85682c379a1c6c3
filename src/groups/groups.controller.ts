import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { Page } from '../common/http/validators';
import { RecordIdParam } from '../submissions/submissions.dto';
import { CreateGroupDto, ListGroupsQuery, GroupResponse } from './groups.dto';
import { GroupsService } from './groups.service';

@ApiTags('school submissions')
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @Roles('SCHOOL')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateGroupDto): Promise<GroupResponse> {
    return this.groups.create(actor, dto);
  }

  /** A school sees its own groups; AUDITOR, DUO and ADMIN see all, filterable by schoolId. */
  @Get()
  list(@CurrentActor() actor: Actor, @Query() query: ListGroupsQuery): Promise<Page<GroupResponse>> {
    return this.groups.list(actor, query);
  }

  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: RecordIdParam): Promise<GroupResponse> {
    return this.groups.get(actor, id);
  }
}
