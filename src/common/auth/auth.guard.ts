import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ForbiddenProblem, UnauthorizedProblem } from '../errors/problems';
import { Actor, Role, ROLES } from './actor';
import { AuthenticatedRequest, IS_PUBLIC, ROLES_KEY } from './auth.decorators';

interface TokenClaims {
  sub: string;
  role: Role;
  schoolId: string | null;
}

/** Global guard: a valid bearer token on every route not marked @Public, and the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.actor = await this.authenticate(request.headers.authorization);

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(request.actor.role)) throw new ForbiddenProblem();
    return true;
  }

  private async authenticate(header: string | undefined): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new UnauthorizedProblem();
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(match[1], { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedProblem('The bearer token is invalid or expired.');
    }
    if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role))
      throw new UnauthorizedProblem('The bearer token is invalid.');
    return { id: claims.sub, role: claims.role, schoolId: claims.role === 'SCHOOL' ? claims.schoolId : null };
  }
}
