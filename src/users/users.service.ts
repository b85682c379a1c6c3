import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash } from 'argon2';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, SYSTEM_ACTOR } from '../common/auth/actor';
import {
  ConflictProblem,
  NotFoundProblem,
  RuleViolationProblem,
  ValidationProblem,
} from '../common/errors/problems';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { School } from '../schools/school.entity';
import { CreateUserDto, UpdatedUserResponse, UpdateUserDto, UserResponse } from './create-user.dto';
import { User } from './user.entity';
import { Callers } from '../common/auth/callers';

const toResponse = (user: User): UserResponse => ({
  id: user.id,
  email: user.email,
  role: user.role,
  schoolId: user.schoolId,
});

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly callers: Callers,
  ) {}

  async create(actor: Actor, dto: CreateUserDto): Promise<UserResponse> {
    if (dto.role === 'SCHOOL' && !dto.schoolId) {
      throw new ValidationProblem([{ name: 'schoolId', reason: 'schoolId is required for role SCHOOL' }]);
    }
    if (dto.role !== 'SCHOOL' && dto.schoolId) {
      throw new ValidationProblem([{ name: 'schoolId', reason: 'schoolId is only allowed for role SCHOOL' }]);
    }
    const email = dto.email.toLowerCase();
    const passwordHash = await hash(dto.password);
    return this.dataSource.transaction(async (manager) => {
      if (dto.schoolId && !(await manager.existsBy(School, { id: dto.schoolId }))) {
        throw new RuleViolationProblem('schoolId does not name an existing school.', 'schoolId');
      }
      if (await manager.existsBy(User, { email }))
        throw new ConflictProblem('email', 'A user with this email already exists.');
      const user = await manager.save(
        manager.create(User, { email, passwordHash, role: dto.role, schoolId: dto.schoolId ?? null }),
      );
      const response = toResponse(user);
      await this.audit.record(manager, actor, {
        action: 'CREATE',
        subjectType: 'USER',
        subjectId: user.id,
        after: response,
      });
      return response;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<UpdatedUserResponse> {
    if (dto.disabled && id === actor.id)
      throw new RuleViolationProblem('An ADMIN cannot disable its own account.', 'disabled');
    const updated = await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundProblem('User');
      const before = { ...toResponse(user), disabled: user.disabledAt !== null };
      if (dto.disabled !== before.disabled) {
        user.disabledAt = dto.disabled ? new Date() : null;
        await manager.update(User, { id }, { disabledAt: user.disabledAt });
      }
      const after = { ...toResponse(user), disabled: dto.disabled };
      await this.audit.record(manager, actor, {
        action: dto.disabled ? 'DISABLE' : 'ENABLE',
        subjectType: 'USER',
        subjectId: id,
        before,
        after,
      });
      return after;
    });
    this.callers.forget(); // a disabled account is refused from the next request on
    return updated;
  }

  /** On start-up: when no user exists, the ADMIN from ADMIN_EMAIL / ADMIN_PASSWORD. */
  /** The e-mail addresses of these users, by id (who is assigned, who decided). */
  async emailsOf(ids: readonly (string | null)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows: { id: string; email: string }[] = await this.dataSource.query(
      `SELECT id, email FROM users WHERE id = ANY($1::uuid[])`,
      [wanted],
    );
    return new Map(rows.map((row) => [row.id, row.email]));
  }

  async bootstrapAdmin(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // Two processes may start at once: serialise on the users table.
      await manager.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
      if ((await manager.count(User)) > 0) return;
      const { email, password } = this.config.admin;
      const user = await manager.save(
        manager.create(User, { email, passwordHash: await hash(password), role: 'ADMIN', schoolId: null }),
      );
      await this.audit.record(manager, SYSTEM_ACTOR, {
        action: 'BOOTSTRAP_ADMIN',
        subjectType: 'USER',
        subjectId: user.id,
        after: toResponse(user),
      });
      this.logger.log(`created the first ADMIN user ${email}`);
    });
  }
}
