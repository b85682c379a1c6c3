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

/** The longest line an import reads (a row of any kind is under 200 characters); longer ones are refused. */
export const MAX_LINE_CHARS = 4096;

/**
 * Splits a CSV byte stream into records with exact line numbers, holding one chunk at a time. One record
 * per line (the import files hold codes, instants, amounts and BSNs: no field spans lines, and a line whose
 * quotes do not pair up is reported as malformed). Lines without quotes, nearly all of an export, are split
 * on commas directly; lines with quotes go through csv-parse. Empty lines are skipped; a BOM is dropped.
 * Each chunk is searched for line ends once, and a line longer than MAX_LINE_CHARS is reported without
 * being kept: the cost is linear in the file and bounded per line, whatever its shape.
 * Pushes one array of records per chunk, to keep the per-record stream overhead off a million-row file.
 */
export class CsvRecords extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  /** The start of the line the last chunk ended in, unless it is already too long. */
  private rest = '';
  private restTooLong = false;
  private line = 0;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.splitLines(this.decoder.write(chunk), false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.splitLines(this.decoder.end(), true);
    done();
  }

  private splitLines(text: string, last: boolean): void {
    const records: CsvRecord[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      this.finishLine(text.slice(start, end), records);
      start = end + 1;
    }
    this.keep(text.slice(start));
    if (last && (this.rest !== '' || this.restTooLong)) this.finishLine('', records);
    if (records.length > 0) this.push(records);
  }

  /** The unfinished end of a chunk: kept while the line stays within bounds. */
  private keep(piece: string): void {
    if (this.restTooLong) return;
    if (this.rest.length + piece.length > MAX_LINE_CHARS) {
      this.rest = '';
      this.restTooLong = true;
    } else this.rest += piece;
  }

  private finishLine(tail: string, records: CsvRecord[]): void {
    this.line++;
    const tooLong = this.restTooLong || this.rest.length + tail.length > MAX_LINE_CHARS;
    let text = tooLong ? '' : this.rest + tail;
    this.rest = '';
    this.restTooLong = false;
    if (tooLong) {
      records.push({ line: this.line, malformed: `line longer than ${MAX_LINE_CHARS} characters` });
      return;
    }
    if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text === '') return;
    if (!text.includes('"')) records.push({ line: this.line, fields: text.split(',') });
    else if (countQuotes(text) % 2 === 0) records.push(readQuoted(text, this.line));
    else
      records.push({
        line: this.line,
        malformed: 'malformed CSV (a quoted field is not closed on its line)',
      });
  }
}
