import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { AuthenticatedRequest } from '../common/auth/auth.decorators';
import { BsnCryptoService } from '../common/bsn/bsn-crypto.service';
import { csvUploadSha256 } from '../common/http/csv-upload';
import { ConflictProblem, RuleViolationProblem, ValidationProblem } from '../common/errors/problems';

interface StoredRequest {
  /** '' while a streamed body is still being read by the first request. */
  body_hash: string;
  method: string;
  path: string;
  /** NULL while the first request with this key is still running. */
  response_status: number | null;
  response_body: unknown;
}

/** How long a duplicate waits for the first request with its key before answering 409. */
const WAIT_FOR_FIRST_MS = 30_000;
const POLL_MS = 50;
/** A claim this old without a response belongs to a process that died mid-request: the key may be claimed again. */
const ABANDONED_AFTER = '5 minutes';

const isStreamed = (request: Request): boolean => request.body === undefined;

/** A parsed (JSON) body is hashed as JSON; a CSV upload by its bytes; no body as nothing. */
async function bodySha256(request: Request): Promise<string> {
  if (!isStreamed(request)) return createHash('sha256').update(JSON.stringify(request.body)).digest('hex');
  return (await csvUploadSha256(request)) ?? createHash('sha256').digest('hex');
}

const SEALED = 'sealed:';

/**
 * `Idempotency-Key` on creating POSTs: the same key with the same body returns the first response
 * again; with another body (or another route), 422. Keys are per user. The key is claimed in the
 * database before the handler runs, so concurrent duplicates (in any API process) wait for the first
 * request and answer its response. Only successful responses are kept: a refused request releases
 * its claim and may be retried with the same key. A full BSN in a kept response (DUO's view) is
 * stored encrypted and revealed on replay.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: BsnCryptoService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return next.handle();
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
      throw new ValidationProblem([
        { name: 'Idempotency-Key', reason: 'Idempotency-Key must be 1 to 200 characters' },
      ]);
    }
    return from(this.handle(request, context.switchToHttp().getResponse<Response>(), key, next));
  }

  private async handle(
    request: AuthenticatedRequest,
    response: Response,
    key: string,
    next: CallHandler,
  ): Promise<unknown> {
    const ids = [request.actor.id, key];
    // A streamed body is hashed once the handler has read it; a duplicate reads its own only to compare.
    const knownHash = isStreamed(request) ? '' : await bodySha256(request);
    let ours = knownHash || undefined;
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      if (await this.claim(ids, request, knownHash)) return this.runFirst(ids, request, response, next);
      const [stored] = (await this.dataSource.query(
        `SELECT body_hash, method, path, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
        ids,
      )) as StoredRequest[];
      if (!stored) continue; // the first request failed and released the key: claim it
      if (stored.response_status !== null || stored.body_hash !== '') ours ??= await bodySha256(request);
      const other =
        stored.path !== request.originalUrl ||
        stored.method !== request.method ||
        (stored.body_hash !== '' && stored.body_hash !== ours);
      if (other)
        throw new RuleViolationProblem(
          'This Idempotency-Key was used before with another request.',
          'Idempotency-Key',
        );
      if (stored.response_status !== null) {
        response.status(stored.response_status);
        return this.unseal(stored.response_body);
      }
      if (Date.now() > deadline)
        throw new ConflictProblem(
          'Idempotency-Key',
          'A request with this Idempotency-Key is still in progress; retry later.',
        );
      await sleep(POLL_MS);
    }
  }

  /** Inserts the claim; true when this request holds the key now (new, or abandoned by a dead process). */
  private async claim(ids: string[], request: Request, bodyHash: string): Promise<boolean> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (user_id, key, method, path, body_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, key) DO UPDATE
         SET method = EXCLUDED.method, path = EXCLUDED.path, body_hash = EXCLUDED.body_hash, created_at = now()
         WHERE idempotency_keys.response_status IS NULL AND idempotency_keys.created_at < now() - interval '${ABANDONED_AFTER}'
       RETURNING 1`,
      [...ids, request.method, request.originalUrl, bodyHash],
    );
    return claimed.length > 0;
  }

  private async runFirst(
    ids: string[],
    request: Request,
    response: Response,
    next: CallHandler,
  ): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.dataSource.query(
        `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND response_status IS NULL`,
        ids,
      );
      throw error;
    }
    await this.dataSource.query(
      `UPDATE idempotency_keys SET body_hash = $3, response_status = $4, response_body = $5 WHERE user_id = $1 AND key = $2`,
      [...ids, await bodySha256(request), response.statusCode, JSON.stringify(this.seal(body ?? null))],
    );
    return body;
  }

  /** The response as stored: every `bsn` encrypted (BSNs live only in encrypted columns). */
  private seal(value: unknown): unknown {
    return mapBsns(value, (bsn) => SEALED + this.crypto.encrypt(bsn).toString('base64'));
  }

  private unseal(value: unknown): unknown {
    return mapBsns(value, (sealed) =>
      sealed.startsWith(SEALED)
        ? this.crypto.reveal(Buffer.from(sealed.slice(SEALED.length), 'base64'))
        : sealed,
    );
  }
}

/** A copy of a JSON value with every string property named `bsn` mapped. */
function mapBsns(value: unknown, map: (bsn: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapBsns(item, map));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      name,
      name === 'bsn' && typeof item === 'string' ? map(item) : mapBsns(item, map),
    ]),
  );
}
