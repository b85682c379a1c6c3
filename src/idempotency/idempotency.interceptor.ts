import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { from, Observable, of, switchMap } from 'rxjs';
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
    const response = context.switchToHttp().getResponse<Response>();
    const path = request.originalUrl;
    const bodyHash = createHash('sha256')
      .update(
        typeof request.body === 'string' || Buffer.isBuffer(request.body)
          ? request.body
          : JSON.stringify(request.body ?? null),
      )
      .digest('hex');

    return from(
      this.dataSource.query(
        `SELECT body_hash, method, path, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
        [request.actor.id, key],
      ) as Promise<StoredResponse[]>,
    ).pipe(
      switchMap(([stored]) => {
        if (stored) {
          if (stored.body_hash !== bodyHash || stored.path !== path || stored.method !== request.method) {
            throw new RuleViolationProblem(
              'This Idempotency-Key was used before with another request.',
              'Idempotency-Key',
            );
          }
          response.status(stored.response_status);
          return of(stored.response_body);
        }
        return next.handle().pipe(
          switchMap(async (body: unknown) => {
            await this.dataSource.query(
              `INSERT INTO idempotency_keys (user_id, key, method, path, body_hash, response_status, response_body)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
              [
                request.actor.id,
                key,
                request.method,
                path,
                bodyHash,
                response.statusCode,
                JSON.stringify(body ?? null),
              ],
            );
            return body;
          }),
        );
      }),
    );
  }
}
