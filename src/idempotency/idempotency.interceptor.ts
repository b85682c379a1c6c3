import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { AuthenticatedRequest } from '../common/auth/auth.decorators';
import { RuleViolationProblem, ValidationProblem } from '../common/errors/problems';

interface StoredResponse {
  body_hash: string;
  method: string;
  path: string;
  response_status: number;
  response_body: unknown;
}

const STREAMED_BODY_SHA256 = Symbol('streamedBodySha256');
type StreamedRequest = Request & { [STREAMED_BODY_SHA256]?: string };

/**
 * For handlers that stream a raw body (CSV uploads) instead of letting it be parsed: record the
 * sha256 (hex) of the bytes read, so an Idempotency-Key compares files, not parsed JSON.
 */
export function rememberStreamedBodySha256(request: Request, sha256Hex: string): void {
  (request as StreamedRequest)[STREAMED_BODY_SHA256] = sha256Hex;
}

/** A parsed (JSON) body is hashed as JSON; an unparsed one by its bytes, read now if nobody read it. */
async function bodySha256(request: StreamedRequest): Promise<string> {
  if (request.body !== undefined)
    return createHash('sha256').update(JSON.stringify(request.body)).digest('hex');
  const streamed = request[STREAMED_BODY_SHA256];
  if (streamed) return streamed;
  const hash = createHash('sha256');
  if (!request.readableEnded) for await (const chunk of request) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `Idempotency-Key` on creating POSTs: the same key with the same body returns the first response
 * again; with another body (or another route), 422. Keys are per user. Only successful responses are kept,
 * so a refused request may be retried with the same key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const path = request.originalUrl;
    const [stored] = (await this.dataSource.query(
      `SELECT body_hash, method, path, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [request.actor.id, key],
    )) as StoredResponse[];
    if (stored) {
      const sameRequest =
        stored.body_hash === (await bodySha256(request)) &&
        stored.path === path &&
        stored.method === request.method;
      if (!sameRequest)
        throw new RuleViolationProblem(
          'This Idempotency-Key was used before with another request.',
          'Idempotency-Key',
        );
      response.status(stored.response_status);
      return stored.response_body;
    }
    const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
    await this.dataSource.query(
      `INSERT INTO idempotency_keys (user_id, key, method, path, body_hash, response_status, response_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [
        request.actor.id,
        key,
        request.method,
        path,
        await bodySha256(request),
        response.statusCode,
        JSON.stringify(body ?? null),
      ],
    );
    return body;
  }
}
