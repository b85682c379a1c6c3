import type { Response } from 'express';
import { CsvRow, toCsv } from '../reports/csv.interceptor';

/**
 * A list as a CSV download. Text that a spreadsheet would read as a formula (=, +, -, @ first) gets a
 * leading apostrophe: school-supplied text must not run in the reviewer's spreadsheet.
 */
export function csvDownload(res: Response, filename: string, columns: string[], rows: CsvRow[]): void {
  const safe = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value,
      ]),
    ),
  );
  res
    .type('text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
    .send(toCsv(columns, safe));
}
