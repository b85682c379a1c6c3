import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthorizedProblem } from '../errors/problems';
import { Actor } from './actor';
import { Callers } from './callers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An authenticated caller, and the day its school ceased to exist when that day has passed (it may then only read). */
export interface Caller {
  actor: Actor;
  schoolClosedOn: string | null;
}

/** Who a bearer token speaks for. The token proves the user and its expiry; the rest is read afresh (Callers). */
@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    private readonly callers: Callers,
  ) {}

  async actor(token: string): Promise<Actor> {
    return (await this.caller(token)).actor;
  }

  async caller(token: string): Promise<Caller> {
    let sub: unknown;
    try {
      ({ sub } = await this.jwt.verifyAsync<{ sub?: unknown }>(token, { algorithms: ['HS256'] }));
    } catch {
      throw new UnauthorizedProblem('The bearer token is invalid or expired.');
    }
    if (typeof sub !== 'string' || !UUID.test(sub))
      throw new UnauthorizedProblem('The bearer token is invalid.');
    const caller = await this.callers.read(sub);
    if (!caller) throw new UnauthorizedProblem('The bearer token is invalid.');
    if (caller.disabled) throw new UnauthorizedProblem('This account is disabled.');
    return caller;
  }
}
