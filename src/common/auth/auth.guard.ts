import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ForbiddenProblem, UnauthorizedProblem } from '../errors/problems';
import { Actor, Role } from './actor';
import { AuthenticatedRequest, IS_PUBLIC, ROLES_KEY, SESSION_AUTH } from './auth.decorators';
import { TokenAuthenticator } from './token-authenticator';

/** Requests that submit or change something (everything but reading). */
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Global guard: a valid bearer token on every route not marked @Public (or, on console pages, a signed-in
 * session), and the route's roles. One authorisation layer for the API and the console. A SCHOOL user of a
 * school that ceased to exist (closedOn, KvK deregistered) may still read, but submits nothing from the day after.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenAuthenticator,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.actor = this.reflector.getAllAndOverride<boolean>(SESSION_AUTH, targets)
      ? await this.sessionActor(request)
      : await this.authenticate(request.headers.authorization);

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.actor.role)) throw new ForbiddenProblem();
    if (request.actor.schoolId && WRITES.has(request.method)) await this.requireOpen(request.actor.schoolId);
    return true;
  }

  private async requireOpen(schoolId: string): Promise<void> {
    const [school]: { closed_on: string }[] = await this.dataSource.query(
      `SELECT to_char(closed_on, 'YYYY-MM-DD') AS closed_on FROM schools
        WHERE id = $1 AND closed_on < (now() AT TIME ZONE 'Europe/Amsterdam')::date`,
      [schoolId],
    );
    if (school)
      throw new ForbiddenProblem(
        `The school ceased to exist on ${school.closed_on}; it can no longer submit.`,
      );
  }

  /** The console's signed-in user, read afresh so a changed role or school takes effect at once. */
  private async sessionActor(request: AuthenticatedRequest): Promise<Actor> {
    const userId = request.session?.userId;
    const [user]: { id: string; role: Role; school_id: string | null }[] = userId
      ? await this.dataSource.query(
          `SELECT id, role, school_id FROM users WHERE id = $1 AND disabled_at IS NULL`,
          [userId],
        )
      : [];
    if (!user) throw new UnauthorizedProblem('Sign in to the console first.');
    return { id: user.id, role: user.role, schoolId: user.role === 'SCHOOL' ? user.school_id : null };
  }

  private async authenticate(header: string | undefined): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedProblem();
    return this.tokens.actor(match[1]);
  }
}
