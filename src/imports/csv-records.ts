import { parse } from 'csv-parse/sync';
import { StringDecoder } from 'node:string_decoder';
import { Transform, TransformCallback } from 'node:stream';

/** One record of a CSV file with its line number (the header is line 1), or why the line could not be read. */
export type CsvRecord =
  | { line: number; fields: string[]; malformed?: undefined }
  | { line: number; fields?: undefined; malformed: string };

const countQuotes = (text: string): number => {
  let count = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) count++;
  return count;
};

/** A line with quotes, read by csv-parse (RFC 4180). Its messages may quote a field (a BSN): keep the code only. */
function readQuoted(text: string, line: number): CsvRecord {
  try {
    const [fields] = parse(text, { relax_column_count: true, relax_quotes: false }) as string[][];
    return { line, fields: fields ?? [''] };
  } catch (error) {
    return { line, malformed: `malformed CSV (${(error as { code?: string }).code ?? 'unreadable line'})` };
  }
}

/**
 * Splits a CSV byte stream into records with exact line numbers, holding one chunk at a time. One record
 * per line (the import files hold codes, instants, amounts and BSNs: no field spans lines, and a line whose
 * quotes do not pair up is reported as malformed). Lines without quotes, nearly all of an export, are split
 * on commas directly; lines with quotes go through csv-parse. Empty lines are skipped; a BOM is dropped.
 * Pushes one array of records per chunk, to keep the per-record stream overhead off a million-row file.
 */
export class CsvRecords extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private line = 0;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.rest + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.rest = lines.pop() as string;
    this.split(lines);
    done();
  }

  override _flush(done: TransformCallback): void {
    const last = this.rest + this.decoder.end();
    this.split(last ? [last] : []);
    done();
  }

  private split(lines: string[]): void {
    const records: CsvRecord[] = [];
    for (let text of lines) {
      this.line++;
      if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text === '') continue;
      if (!text.includes('"')) records.push({ line: this.line, fields: text.split(',') });
      else if (countQuotes(text) % 2 === 0) records.push(readQuoted(text, this.line));
      else
        records.push({
          line: this.line,
          malformed: 'malformed CSV (a quoted field is not closed on its line)',
        });
    }
    if (records.length > 0) this.push(records);
  }
}
