import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
import { ConflictProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { SubmissionsService } from '../submissions/submissions.service';
import { Teacher } from './teacher.entity';
import { CreateTeacherDto, ListTeachersQuery, TeacherResponse } from './teachers.dto';

const toResponse = (t: Teacher): TeacherResponse => ({
  id: t.id,
  schoolId: t.schoolId,
  name: t.name,
  reference: t.reference,
  nt2Certified: t.nt2Certified,
  certifiedSince: t.certifiedSince,
  nt2ExperienceYears: t.nt2ExperienceYears,
  relatedQualification: t.relatedQualification,
  nt2TrainingStartedOn: t.nt2TrainingStartedOn,
  createdAt: t.createdAt,
});

@Injectable()
export class TeachersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submissions: SubmissionsService,
  ) {}

  create(actor: Actor, dto: CreateTeacherDto): Promise<TeacherResponse> {
    return this.submissions.create(actor, 'TEACHER', async (manager, schoolId) => {
      if (await manager.existsBy(Teacher, { schoolId, reference: dto.reference })) {
        throw new ConflictProblem('reference', 'This school already has a teacher with this reference.');
      }
      const teacher = await manager.save(
        manager.create(Teacher, {
          schoolId,
          name: dto.name,
          reference: dto.reference,
          nt2Certified: dto.nt2Certified,
          certifiedSince: dto.certifiedSince ?? null,
          nt2ExperienceYears: dto.nt2ExperienceYears ?? null,
          relatedQualification: dto.relatedQualification ?? null,
          nt2TrainingStartedOn: dto.nt2TrainingStartedOn ?? null,
        }),
      );
      return { response: toResponse(teacher), learnerIds: [] };
    });
  }

  async list(actor: Actor, query: ListTeachersQuery): Promise<Page<TeacherResponse>> {
    const qb = this.dataSource.createQueryBuilder(Teacher, 't').orderBy('t.reference').addOrderBy('t.id');
    if (query.reference) qb.andWhere('t.reference = :reference', { reference: query.reference });
    const [items, total] = await this.submissions.page(qb, actor, query);
    return pageOf(items.map(toResponse), total, query);
  }

  async get(actor: Actor, id: string): Promise<TeacherResponse> {
    return toResponse(
      requireVisible(actor, await this.dataSource.getRepository(Teacher).findOneBy({ id }), 'Teacher'),
    );
  }
}
