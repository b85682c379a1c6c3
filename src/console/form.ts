import type { Request } from 'express';
import { strictValidationPipe } from '../common/http/validation';

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
