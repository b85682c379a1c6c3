import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { Problem } from './problems';
import { uniqueViolationField } from './unique-constraints';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extra: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function body(status: number, detail: string, extra: Record<string, unknown> = {}): ProblemBody {
  const title = titles[status] ?? 'Error';
  return { type: 'about:blank', title, status, detail, ...extra };
}

/** Postgres or Redis out of reach (down, restarting, or no connection free in time): 503, not 500. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Connection is closed|enableOfflineQueue|Reached the max retries per request|Client has encountered a connection error/;

function isUnavailable(exception: unknown): boolean {
  if (!(exception instanceof Error)) return false;
  const code =
    (exception as { code?: string }).code ??
    (exception as { driverError?: { code?: string } }).driverError?.code;
  return (code !== undefined && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGES.test(exception.message);
}

/** Renders every error as application/problem+json and never leaks internals on a 500. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    this.send(host.switchToHttp().getResponse<Response>(), exception);
  }

  /** Answers with the problem for this error (also for middleware outside Nest's router). */
  send(response: Response, exception: unknown): void {
    const problem = this.toProblem(exception);
    if (response.headersSent) return;
    if (problem.status === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', '5');
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): ProblemBody {
    if (exception instanceof Problem) {
      return {
        type: exception.type,
        title: exception.title,
        status: exception.status,
        detail: exception.detail,
        ...exception.extra,
      };
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    if (isUnavailable(exception)) {
      this.logger.warn(`A dependency is unavailable: ${(exception as Error).name}`);
      return body(HttpStatus.SERVICE_UNAVAILABLE, 'The service is briefly unavailable; try again shortly.');
    }
    if (exception instanceof QueryFailedError) {
      const fromDb = this.fromDatabaseError(exception);
      if (fromDb) return fromDb;
    }
    const bodyParserError = this.fromBodyParser(exception);
    if (bodyParserError) return bodyParserError;
    // Log the class and stack only: messages of driver errors may quote values (a BSN among them).
    const error = exception instanceof Error ? exception : new Error('non-error thrown');
    this.logger.error(`Unhandled ${error.name}`, error.stack?.split('\n').slice(1).join('\n'));
    return body(HttpStatus.INTERNAL_SERVER_ERROR, 'An unexpected error occurred.');
  }

  private fromHttpException(exception: HttpException): ProblemBody {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    if (status === HttpStatus.NOT_FOUND && /^Cannot (GET|POST|PUT|PATCH|DELETE)/.test(message)) {
      return body(status, 'No such resource.');
    }
    return body(status, message);
  }

  private fromDatabaseError(error: QueryFailedError): ProblemBody | undefined {
    const driverError = error.driverError as { code?: string; constraint?: string };
    switch (driverError.code) {
      case '23505': {
        const field = uniqueViolationField(driverError.constraint);
        const detail = `A record with this ${field} already exists.`;
        return body(HttpStatus.CONFLICT, detail, { invalidParams: [{ name: field, reason: detail }] });
      }
      case '23503':
        return body(HttpStatus.UNPROCESSABLE_ENTITY, 'The request refers to a record that does not exist.');
      case '23514':
        return body(HttpStatus.UNPROCESSABLE_ENTITY, 'The request breaks a rule on the data.');
      case '22001':
      case '22003':
      case '22007':
      case '22008':
      case '22P02':
        return body(HttpStatus.BAD_REQUEST, 'A value is out of range or malformed.');
      default:
        return undefined;
    }
  }

  private fromBodyParser(exception: unknown): ProblemBody | undefined {
    const error = exception as { type?: string; status?: number; expose?: boolean };
    if (typeof error?.type !== 'string' || typeof error.status !== 'number') return undefined;
    switch (error.type) {
      case 'entity.parse.failed':
        return body(HttpStatus.BAD_REQUEST, 'The request body is not valid JSON.');
      case 'entity.too.deep':
        return body(HttpStatus.BAD_REQUEST, 'The request body is nested too deeply.', {
          invalidParams: [{ name: 'body', reason: 'JSON nested too deeply' }],
        });
      case 'entity.too.large':
        return body(HttpStatus.PAYLOAD_TOO_LARGE, 'The request body is over the size limit.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'The request body encoding is not supported.');
      default:
        return error.status < 500 ? body(error.status, 'The request body could not be read.') : undefined;
    }
  }
}
