import { HttpStatus } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { InvalidParam } from '../errors/problems';

/** No request of this API nests deeper; deeper JSON overflowed the stack of the validation that walks it. */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** An error the JSON body parser turns into a 400 (see ProblemDetailsFilter). */
class TooDeepError extends Error {
  readonly status = HttpStatus.BAD_REQUEST;
  readonly type = 'entity.too.deep';
}

/**
 * `verify` hook of the JSON body parser: refuses a body nested deeper than MAX_JSON_DEPTH before it is
 * parsed. One pass over the bytes, skipping strings.
 */
export function refuseDeepJson(_req: IncomingMessage, _res: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) throw new TooDeepError(`JSON nested deeper than ${MAX_JSON_DEPTH}`);
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
}

/** Names that address an object's prototype: never a field of this API, whatever a DTO allows. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What no field of any request may hold, checked on the raw body, query and path parameters before
 * class-transformer sees them: a NUL character (Postgres text cannot store it) and keys that address
 * the prototype (they slip past the whitelist as inherited properties). One entry per offending field.
 */
export function hostileFields(value: unknown, path = ''): InvalidParam[] {
  if (typeof value === 'string')
    return value.includes('\u0000')
      ? [{ name: path, reason: `${path} must not contain a NUL character` }]
      : [];
  if (value === null || typeof value !== 'object') return [];
  const found: InvalidParam[] = [];
  for (const key of Object.keys(value)) {
    const name = path ? `${path}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key) || key.includes('\u0000'))
      found.push({ name, reason: `property ${key.replaceAll('\u0000', '\\0')} should not exist` });
    else found.push(...hostileFields((value as Record<string, unknown>)[key], name));
  }
  return found;
}
