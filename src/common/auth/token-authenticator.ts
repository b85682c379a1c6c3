import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UnauthorizedProblem } from '../errors/problems';
import { Actor, Role } from './actor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An authenticated caller, and the day its school ceased to exist when that day has passed (it may then only read). */
export interface Caller {
  actor: Actor;
  schoolClosedOn: string | null;
}

/**
 * The user (and its school's closing) as a Caller, in one primary-key read: the role, the school and whether the
 * account still works are read on every request, so a disabled account or a changed role takes effect at once.
 */
export async function readCaller(
  dataSource: DataSource,
  userId: string,
): Promise<(Caller & { disabled: boolean }) | null> {
  const [user]: {
    role: Role;
    school_id: string | null;
    disabled_at: Date | null;
    closed_on: string | null;
  }[] = await dataSource.query(
    `SELECT u.role, u.school_id, u.disabled_at,
              CASE WHEN s.closed_on < (now() AT TIME ZONE 'Europe/Amsterdam')::date THEN to_char(s.closed_on, 'YYYY-MM-DD') END AS closed_on
       FROM users u LEFT JOIN schools s ON s.id = u.school_id AND u.role = 'SCHOOL'
       WHERE u.id = $1`,
    [userId],
  );
  if (!user) return null;
  const schoolId = user.role === 'SCHOOL' ? user.school_id : null;
  return {
    actor: { id: userId, role: user.role, schoolId },
    schoolClosedOn: user.closed_on,
    disabled: user.disabled_at !== null,
  };
}

/** Who a bearer token speaks for. The token proves the user and its expiry; the rest is read afresh (readCaller). */
@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const caller = await readCaller(this.dataSource, sub);
    if (!caller) throw new UnauthorizedProblem('The bearer token is invalid.');
    if (caller.disabled) throw new UnauthorizedProblem('This account is disabled.');
    return caller;
  }
}
