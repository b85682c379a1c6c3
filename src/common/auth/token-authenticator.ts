import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UnauthorizedProblem } from '../errors/problems';
import { Actor, Role } from './actor';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who a bearer token speaks for. The token proves the user and its expiry; the role, the school and
 * whether the account still works are read from the users table on every request (one primary-key
 * read), so a disabled account or a changed role takes effect at once, not when the token expires.
 */
@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async actor(token: string): Promise<Actor> {
    let sub: unknown;
    try {
      ({ sub } = await this.jwt.verifyAsync<{ sub?: unknown }>(token, { algorithms: ['HS256'] }));
    } catch {
      throw new UnauthorizedProblem('The bearer token is invalid or expired.');
    }
    if (typeof sub !== 'string' || !UUID.test(sub))
      throw new UnauthorizedProblem('The bearer token is invalid.');
    const [user] = (await this.dataSource.query(
      `SELECT role, school_id, disabled_at FROM users WHERE id = $1`,
      [sub],
    )) as { role: Role; school_id: string | null; disabled_at: Date | null }[];
    if (!user) throw new UnauthorizedProblem('The bearer token is invalid.');
    if (user.disabled_at) throw new UnauthorizedProblem('This account is disabled.');
    return { id: sub, role: user.role, schoolId: user.role === 'SCHOOL' ? user.school_id : null };
  }
}
