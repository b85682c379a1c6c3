import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiProduces } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';

export type CsvValue = string | number | boolean | null;
export type CsvRow = Record<string, CsvValue>;
type ToRows = (body: never) => CsvRow[];

const CSV_ROWS = 'csvRows';

function csvField(value: CsvValue): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: a header line of the row keys, then one line per row. */
export function toCsv(columns: string[], rows: CsvRow[]): string {
  return (
    [columns, ...rows.map((row) => columns.map((column) => row[column]))]
      .map((line) => line.map(csvField).join(','))
      .join('\r\n') + '\r\n'
  );
}

/**
 * The same report as CSV when the client sends `Accept: text/csv`: `toRows` flattens the JSON body,
 * so both formats carry the same numbers from the one SQL computation.
 */
export const CsvReport = <T>(filename: string, columns: string[], toRows: (body: T) => CsvRow[]) =>
  applyDecorators(
    SetMetadata(CSV_ROWS, { filename, columns, toRows }),
    UseInterceptors(CsvInterceptor),
    ApiProduces('application/json', 'text/csv'),
  );

@Injectable()
export class CsvInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const wantsCsv = /\btext\/csv\b/i.test(http.getRequest<Request>().headers.accept ?? '');
    const csv = this.reflector.get<{ filename: string; columns: string[]; toRows: ToRows } | undefined>(
      CSV_ROWS,
      context.getHandler(),
    );
    if (!wantsCsv || !csv) return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        const response = http.getResponse<Response>();
        response.setHeader('Content-Type', 'text/csv; charset=utf-8');
        response.setHeader('Content-Disposition', `attachment; filename="${csv.filename}.csv"`);
        return toCsv(csv.columns, csv.toRows(body as never));
      }),
    );
  }
}
