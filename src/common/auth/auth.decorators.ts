import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { Actor, Role } from './actor';

export const IS_PUBLIC = 'isPublic';
/** Opens a route to callers without a token (health, login). Everything else needs one. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

export const SESSION_AUTH = 'sessionAuth';
/**
 * Console pages: the caller is the user signed in to the console session (cookie), not a bearer token.
 * The API's routes never read the session cookie; the console's never read a bearer token.
 */
export const SessionAuth = (): MethodDecorator & ClassDecorator => SetMetadata(SESSION_AUTH, true);

export const ROLES_KEY = 'roles';
/** The roles that may call a route; without it, every authenticated role may. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

export type AuthenticatedRequest = Request & { actor: Actor };

/** The authenticated caller. */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): Actor =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().actor,
);
