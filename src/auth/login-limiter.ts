import { createHash } from 'node:crypto';
import Redis from 'ioredis';

const WINDOW_SECONDS = 15 * 60;
const TRUSTED_SECONDS = 30 * 24 * 3600;

/** Failed logins allowed per 15 minutes (each counted before its password is verified). */
export const LOGIN_LIMITS = {
  /** One account from one client address. */
  accountAtAddress: 5,
  /** One account from all addresses together, for addresses it has not logged in from before. */
  account: 20,
  /** One address over all accounts (known or not): spraying. */
  address: 20,
} as const;

/** An attempt within the limits may verify its password; call `succeeded` when it was right. */
export type LoginAttempt = { allowed: false } | { allowed: true; succeeded(): Promise<void> };

/**
 * The failed-login limit, counted atomically in Redis so parallel guesses cannot overtake it: an
 * attempt first reserves a failure in three counters (account at address, account, address), and only
 * an attempt within all three limits gets its password verified. A wrong password keeps the
 * reservation; the right one gives it back, clears its account-at-address counter and marks the
 * address as trusted for the account for 30 days. A trusted address is not held to the account's
 * limit over all addresses, so guesses spread over many addresses lock the account for new addresses
 * only, never for the places its owner logs in from. (A client behind the same address as someone
 * guessing the same account still shares that pair's limit: addresses cannot tell them apart.)
 */
export class LoginLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async attempt(email: string, clientAddress: string): Promise<LoginAttempt> {
    const keys = {
      pair: this.key('account-at-address', `${email}|${clientAddress}`),
      account: this.key('account', email),
      address: this.key('address', clientAddress),
      trusted: this.key('trusted', `${email}|${clientAddress}`),
    };
    const counters = [keys.pair, keys.account, keys.address];
    const multi = this.redis.multi();
    for (const key of counters) multi.incr(key).expire(key, WINDOW_SECONDS, 'NX');
    const replies = (await multi.exists(keys.trusted).exec()) ?? [];
    const [pair, account, address] = [0, 2, 4].map((i) => Number(replies[i]?.[1]));
    const trusted = Number(replies[6]?.[1]) === 1;
    const giveBack = async () => {
      const undo = this.redis.multi();
      for (const key of counters) undo.decr(key);
      await undo.exec();
    };
    if (
      pair > LOGIN_LIMITS.accountAtAddress ||
      address > LOGIN_LIMITS.address ||
      (account > LOGIN_LIMITS.account && !trusted)
    ) {
      await giveBack();
      return { allowed: false };
    }
    return {
      allowed: true,
      succeeded: async () => {
        await this.redis
          .multi()
          .decr(keys.account)
          .decr(keys.address)
          .del(keys.pair)
          .set(keys.trusted, '1', 'EX', TRUSTED_SECONDS)
          .exec();
      },
    };
  }

  /** Keys carry a hash, never the e-mail address or client address itself. */
  private key(kind: string, value: string): string {
    return `${this.prefix}:login:${kind}:${createHash('sha256').update(value).digest('hex')}`;
  }
}
