import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../common/auth/actor';
import { requireVisible } from '../common/auth/tenancy';
import { isValidBsn } from '../common/bsn/bsn';
import { ConflictProblem, RuleViolationProblem, ValidationProblem } from '../common/errors/problems';
import { Page, pageOf } from '../common/http/validators';
import { Group } from '../groups/group.entity';
import { LearnersService } from '../learners/learners.service';
import { SubmissionsService } from '../submissions/submissions.service';
import { Teacher } from '../teachers/teacher.entity';
import { Lesson } from './lesson.entity';
import { countsSql, lessonTimesProblem } from './lesson-rules';
import { CreateLessonDto, LessonResponse, ListLessonsQuery } from './lessons.dto';

@Injectable()
export class LessonsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly submissions: SubmissionsService,
    private readonly learners: LearnersService,
  ) {}

  create(actor: Actor, dto: CreateLessonDto): Promise<LessonResponse> {
    const badBsns = dto.attendeeBsns.flatMap((bsn, i) =>
      isValidBsn(bsn)
        ? []
        : [{ name: `attendeeBsns.${i}`, reason: 'must be a 9-digit BSN that passes the 11-proof' }],
    );
    if (badBsns.length > 0) throw new ValidationProblem(badBsns);
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    const timesProblem = lessonTimesProblem(startsAt, endsAt);
    if (timesProblem) throw new RuleViolationProblem(`endsAt: ${timesProblem}.`, 'endsAt');

    return this.submissions.create(actor, 'LESSON', async (manager, schoolId) => {
      const group = await manager.findOneBy(Group, { schoolId, code: dto.groupCode });
      if (!group) throw new RuleViolationProblem('groupCode names no group of this school.', 'groupCode');
      const teacher = await manager.findOneBy(Teacher, { schoolId, reference: dto.teacherReference });
      if (!teacher)
        throw new RuleViolationProblem(
          'teacherReference names no teacher of this school.',
          'teacherReference',
        );
      const key = { schoolId, groupId: group.id, teacherId: teacher.id, startsAt, endsAt };
      if (await manager.existsBy(Lesson, key)) {
        throw new ConflictProblem(
          'startsAt',
          'This school already registered a lesson of this group and teacher at these times.',
        );
      }
      const { id } = await manager.save(
        manager.create(Lesson, { ...key, mode: dto.mode ?? 'IN_PERSON', importId: null }),
      );
      const learnerIds = [...(await this.learners.resolveIds(manager, dto.attendeeBsns)).values()];
      await manager.query(
        `INSERT INTO lesson_attendees (lesson_id, learner_id, school_id, starts_at, ends_at, lesson_date, counts)
         SELECT l.id, a.learner_id, l.school_id, l.starts_at, l.ends_at, l.lesson_date, ${countsSql('l.mode')}
         FROM lessons l CROSS JOIN unnest($2::uuid[]) AS a(learner_id) WHERE l.id = $1`,
        [id, learnerIds],
      );
      const [response] = await this.responses(
        actor,
        [await manager.findOneByOrFail(Lesson, { id })],
        manager,
      );
      return { response, learnerIds };
    });
  }

  async list(actor: Actor, query: ListLessonsQuery): Promise<Page<LessonResponse>> {
    const qb = this.dataSource.createQueryBuilder(Lesson, 'l').orderBy('l.startsAt').addOrderBy('l.id');
    if (query.groupId) qb.andWhere('l.groupId = :groupId', { groupId: query.groupId });
    if (query.teacherId) qb.andWhere('l.teacherId = :teacherId', { teacherId: query.teacherId });
    if (query.importId) qb.andWhere('l.importId = :importId', { importId: query.importId });
    if (query.from) qb.andWhere('l.lessonDate >= :from', { from: query.from });
    if (query.to) qb.andWhere('l.lessonDate <= :to', { to: query.to });
    if (query.learnerId) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM lesson_attendees a WHERE a.lesson_id = l.id AND a.learner_id = :learnerId)',
        { learnerId: query.learnerId },
      );
    }
    const [items, total] = await this.submissions.page(qb, actor, query);
    return pageOf(await this.responses(actor, items), total, query);
  }

  async get(actor: Actor, id: string): Promise<LessonResponse> {
    const lesson = requireVisible(
      actor,
      await this.dataSource.getRepository(Lesson).findOneBy({ id }),
      'Lesson',
    );
    return (await this.responses(actor, [lesson]))[0];
  }

  /** Lessons with their group code, teacher reference and attendees: three queries for any number of lessons. */
  private async responses(
    actor: Actor,
    lessons: Lesson[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<LessonResponse[]> {
    if (lessons.length === 0) return [];
    const ids = lessons.map((l) => l.id);
    const labels: { id: string; group_code: string; teacher_reference: string }[] = await manager.query(
      `SELECT l.id, g.code AS group_code, t.reference AS teacher_reference
       FROM lessons l JOIN groups g ON g.id = l.group_id JOIN teachers t ON t.id = l.teacher_id WHERE l.id = ANY($1::uuid[])`,
      [ids],
    );
    const attendance: { lesson_id: string; learner_id: string }[] = await manager.query(
      `SELECT lesson_id, learner_id FROM lesson_attendees WHERE lesson_id = ANY($1::uuid[]) ORDER BY lesson_id, learner_id`,
      [ids],
    );
    const refs = await this.submissions.learnerRefs(
      actor,
      attendance.map((a) => a.learner_id),
      manager,
    );
    const labelOf = new Map(labels.map((row) => [row.id, row]));
    return lessons.map((l) => ({
      id: l.id,
      schoolId: l.schoolId,
      groupId: l.groupId,
      groupCode: labelOf.get(l.id)?.group_code as string,
      teacherId: l.teacherId,
      teacherReference: labelOf.get(l.id)?.teacher_reference as string,
      startsAt: l.startsAt,
      endsAt: l.endsAt,
      mode: l.mode,
      lessonDate: l.lessonDate,
      hours: l.hours,
      importId: l.importId,
      attendees: attendance.filter((a) => a.lesson_id === l.id).map((a) => refs.get(a.learner_id)!),
    }));
  }
}
