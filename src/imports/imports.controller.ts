import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor } from '../common/auth/auth.decorators';
import { ImportIdParam, ImportResponse } from './imports.dto';
import { ImportsService } from './imports.service';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** Progress of a CSV import. A school sees only its own imports. */
  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param() { id }: ImportIdParam): Promise<ImportResponse> {
    return this.imports.get(actor, id);
  }
}
