import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenProblem, UnauthorizedProblem } from '../errors/problems';
import { Role } from './actor';
import { AuthenticatedRequest, IS_PUBLIC, ROLES_KEY, SESSION_AUTH } from './auth.decorators';
import { Callers } from './callers';
import { Caller, TokenAuthenticator } from './token-authenticator';

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
    private readonly callers: Callers,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const { actor, schoolClosedOn } = this.reflector.getAllAndOverride<boolean>(SESSION_AUTH, targets)
      ? await this.sessionCaller(request)
      : await this.authenticate(request.headers.authorization);
    request.actor = actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(actor.role)) throw new ForbiddenProblem();
    if (schoolClosedOn && WRITES.has(request.method))
      throw new ForbiddenProblem(`The school ceased to exist on ${schoolClosedOn}; it can no longer submit.`);
    return true;
  }

  /** The console's signed-in user, read afresh so a changed role or school takes effect at once. */
  private async sessionCaller(request: AuthenticatedRequest): Promise<Caller> {
    const userId = request.session?.userId;
    const caller = userId ? await this.callers.read(userId) : null;
    if (!caller || caller.disabled) throw new UnauthorizedProblem('Sign in to the console first.');
    return caller;
  }

  private async authenticate(header: string | undefined): Promise<Caller> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedProblem();
    return this.tokens.caller(match[1]);
  }
}
