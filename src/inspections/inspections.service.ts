import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/auth/actor';
import { SchoolsService } from '../schools/schools.service';
import { Inspection } from './inspection.entity';
import { CreateInspectionDto, InspectionResponse } from './inspections.dto';

const toResponse = (i: Inspection): InspectionResponse => ({
  id: i.id,
  schoolId: i.schoolId,
  kind: i.kind,
  visitedOn: i.visitedOn,
  findings: i.findings,
  outcome: i.outcome,
  createdBy: i.createdBy,
  createdAt: i.createdAt,
});

/** Inspections of a school, each with its findings and outcome. */
@Injectable()
export class InspectionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly schools: SchoolsService,
  ) {}

  async create(actor: Actor, schoolId: string, dto: CreateInspectionDto): Promise<InspectionResponse> {
    await this.schools.get(actor, schoolId);
    return this.dataSource.transaction(async (manager) => {
      const { id } = await manager.save(
        manager.create(Inspection, { schoolId, ...dto, createdBy: actor.id }),
      );
      const response = toResponse(await manager.findOneByOrFail(Inspection, { id }));
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'INSPECTION',
        subjectId: id,
        after: response,
      });
      return response;
    });
  }

  /** The school's inspections, most recent visit first. */
  async list(actor: Actor, schoolId: string): Promise<InspectionResponse[]> {
    await this.schools.get(actor, schoolId);
    const inspections = await this.dataSource.manager.find(Inspection, {
      where: { schoolId },
      order: { visitedOn: 'DESC', createdAt: 'DESC', id: 'ASC' },
    });
    return inspections.map(toResponse);
  }
}
