import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/auth.decorators';
import { AuditQuery } from './audit-query.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Who did what when, with before and after. Append-only. */
  @Get()
  @Roles('ADMIN', 'AUDITOR', 'DUO')
  list(@Query() query: AuditQuery) {
    return this.audit.list(query);
  }
}
