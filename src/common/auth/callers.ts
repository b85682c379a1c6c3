import { Global, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from './actor';
import { Caller } from './token-authenticator';

export type KnownCaller = Caller & { disabled: boolean };

/** How long this process answers a user's role, school and standing from memory before it reads them again. */
export const CALLER_TTL_MS = 1_000;
/** A bound on the memory: past it, everything is read afresh. */
const MAX_REMEMBERED = 10_000;

/**
 * The user behind a request (role, school, disabled, and its school's closing), read from the database at most once
 * a second per user: on a busy portal that read was a second round trip for every submission. A change made
 * through this process (an account disabled, a school closed) is forgotten at once, so it takes effect on the next
 * request; another API process sees it within CALLER_TTL_MS.
 */
@Injectable()
export class Callers {
  private readonly remembered = new Map<string, { caller: KnownCaller; readAt: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(userId: string): Promise<KnownCaller | null> {
    const hit = this.remembered.get(userId);
    if (hit && Date.now() - hit.readAt < CALLER_TTL_MS) return hit.caller;
    const readAt = Date.now();
    const caller = await this.readFromDatabase(userId);
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    if (caller) this.remembered.set(userId, { caller, readAt });
    else this.remembered.delete(userId);
    return caller;
  }

  /** After a change to users or schools has committed. */
  forget(): void {
    this.remembered.clear();
  }

  private async readFromDatabase(userId: string): Promise<KnownCaller | null> {
    const [user]: {
      role: Role;
      school_id: string | null;
      disabled_at: Date | null;
      closed_on: string | null;
    }[] = await this.dataSource.query(
      `SELECT u.role, u.school_id, u.disabled_at,
              CASE WHEN s.closed_on < (now() AT TIME ZONE 'Europe/Amsterdam')::date THEN to_char(s.closed_on, 'YYYY-MM-DD') END AS closed_on
       FROM users u LEFT JOIN schools s ON s.id = u.school_id AND u.role = 'SCHOOL'
       WHERE u.id = $1`,
      [userId],
    );
    if (!user) return null;
    return {
      actor: { id: userId, role: user.role, schoolId: user.role === 'SCHOOL' ? user.school_id : null },
      schoolClosedOn: user.closed_on,
      disabled: user.disabled_at !== null,
    };
  }
}

/** Global: the guard reads callers, and the users and schools services tell it what changed. */
@Global()
@Module({ providers: [Callers], exports: [Callers] })
export class CallersModule {}
