import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Observable } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Problem } from '../errors/problems';

const CSV_ROUTE = 'csvRoute';
const UPLOAD = Symbol('csvUpload');
type UploadRequest = Request & { [UPLOAD]?: CsvUploadBody };

export const mediaType = (request: Request): string =>
  (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
export const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

const unsupported = (detail: string) =>
  new Problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Unsupported Media Type', detail);
const tooLarge = (max: number) =>
  new Problem(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'Content Too Large',
    `The CSV file is over the limit of ${max} bytes.`,
  );

/**
 * The body of a CSV upload as it streams in: counts and hashes the bytes and stops passing them on
 * past the limit (it keeps reading, so the client gets its 413 rather than a reset connection).
 * `sha256Hex` and `bytes` are final once the stream has ended.
 */
export class CsvUploadBody extends Transform {
  bytes = 0;
  sha256Hex = '';
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done();
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.bytes > this.maxBytes) return done(tooLarge(this.maxBytes));
    this.sha256Hex = this.hash.digest('hex');
    done();
  }
}

/**
 * The sha256 of a CSV upload's bytes (an Idempotency-Key compares files), reading what its handler did
 * not; undefined when the request has no CSV upload.
 */
export async function csvUploadSha256(request: Request): Promise<string | undefined> {
  const upload = (request as UploadRequest)[UPLOAD];
  if (!upload) return undefined;
  if (!upload.readableEnded) for await (const chunk of upload) void chunk; // hashed as it passes
  return upload.sha256Hex;
}

/**
 * The HTTP side of every body: a route marked with `@CsvUpload` takes `text/csv` only (415 otherwise)
 * up to config.importMaxBytes (413), and gets it as a stream through `@CsvBody()`; every other route
 * refuses a CSV body with 415 (it would be read as an empty request).
 */
@Injectable()
export class BodyTypeInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<UploadRequest>();
    const csvRoute = this.reflector.get<boolean>(CSV_ROUTE, context.getHandler()) === true;
    const csv = mediaType(request) === 'text/csv';
    if (!csvRoute) {
      if (csv && hasBody(request)) throw unsupported('This endpoint takes application/json, not text/csv.');
      return next.handle();
    }
    if (!csv) throw unsupported('The body must be text/csv.');
    const max = this.config.importMaxBytes;
    if (Number(request.headers['content-length'] ?? 0) > max) throw tooLarge(max);
    const upload = new CsvUploadBody(max);
    pipeline(request, upload).catch(() => undefined); // an aborted request errors the upload, whose reader sees it
    request[UPLOAD] = upload;
    return next.handle();
  }
}

/** A route that reads a `text/csv` body (see BodyTypeInterceptor); `example` is the header line for the docs. */
export const CsvUpload = (example: string): MethodDecorator =>
  applyDecorators(
    SetMetadata(CSV_ROUTE, true),
    ApiConsumes('text/csv'),
    ApiBody({ schema: { type: 'string', example } }),
  );

/** The CSV body of a `@CsvUpload` route, as a stream. */
export const CsvBody = createParamDecorator(
  (_: unknown, context: ExecutionContext): CsvUploadBody =>
    context.switchToHttp().getRequest<UploadRequest>()[UPLOAD] as CsvUploadBody,
);
