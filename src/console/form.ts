import type { Request, Response } from 'express';
import { strictValidationPipe } from '../common/http/validation';
import { seeOther } from './console-error.filter';

const pipe = strictValidationPipe();

/** A form's fields (without its CSRF token) checked by the API's own DTO and strict pipe. */
export async function formDto<T extends object>(type: new () => T, body: unknown): Promise<T> {
  const { _csrf, ...fields } = (body ?? {}) as Record<string, unknown>;
  void _csrf;
  return (await pipe.transform(fields, { type: 'body', metatype: type })) as T;
}

/** A form's fields without the empty ones: an optional field left empty is a field not given. */
export function filledFields(body: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).filter(([, value]) => value !== ''),
  );
}

/**
 * A page's query checked by the API's DTO, as the API would read it. A filter form sends its empty
 * fields too ("Alle"): those are left out, and `clean` is the address without them, to redirect to,
 * so a filtered view's URL carries exactly the API's query parameters.
 */
export async function pageQuery<T extends object>(
  type: new () => T,
  req: Request,
): Promise<{ query: T; clean?: string }> {
  const entries = Object.entries(req.query).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  const given = entries.filter(([, value]) => value !== '');
  const query = (await pipe.transform(Object.fromEntries(given), { type: 'query', metatype: type })) as T;
  if (given.length === entries.length) return { query };
  const search = new URLSearchParams(given).toString();
  return { query, clean: search ? `${req.path}?${search}` : req.path };
}

/**
 * A form's repeated rows without client script: a fixed number of optional fieldsets whose field `f` of row `i`
 * is sent as `name[i][f]`. Rows left wholly empty are dropped; a row with any field filled keeps all its fields
 * (empty ones as ''), so the API's DTO names what is missing rather than the row vanishing.
 */
export function formRows<F extends string>(
  body: Record<string, unknown>,
  name: string,
  fields: readonly F[],
  count: number,
): Record<F, string>[] {
  const rows: Record<F, string>[] = [];
  for (let i = 0; i < count; i++) {
    const row = Object.fromEntries(
      fields.map((field) => {
        const value = body[`${name}[${i}][${field}]`];
        return [field, typeof value === 'string' ? value.trim() : ''];
      }),
    ) as Record<F, string>;
    if (fields.some((field) => row[field] !== '')) rows.push(row);
  }
  return rows;
}

/** A Dutch decimal ("12,5") as a number; anything else as given, for the DTO to refuse by name. */
export function formDecimal(value: string): number | string {
  const normal = value.replace(',', '.');
  return /^\d+(\.\d+)?$/.test(normal) ? Number(normal) : value;
}

/**
 * A list page: rendered with its query as the API reads it, after a redirect to the address without empty
 * filters when the query had any.
 */
export async function renderList<T extends object>(
  type: new () => T,
  req: Request,
  res: Response,
  render: (query: T) => Promise<string> | string,
): Promise<void> {
  const { query, clean } = await pageQuery(type, req);
  if (clean) return seeOther(res, clean);
  res.type('html').send(await render(query));
}
