import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidationOptions } from 'class-validator';
import { isValidBsn } from '../bsn/bsn';

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDateOnly(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = dateOnly.exec(value);
  if (!match) return false;
  // Years outside 1900..2999 are typing errors in this domain (and year 0 does not exist in Postgres).
  const year = Number(match[1]);
  if (year < 1900 || year > 2999) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A calendar date as `YYYY-MM-DD`, years 1900 to 2999. */
export function IsDateOnly(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateOnly',
      validator: {
        validate: isDateOnly,
        defaultMessage: (a) => `${a?.property} must be a date as YYYY-MM-DD`,
      },
    },
    options,
  );
}

const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    instant.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    isDateOnly(value.slice(0, 10))
  );
}

/** An instant as ISO 8601 with an offset (`2024-03-01T09:00:00+01:00` or `...Z`). */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: (a) => `${a?.property} must be an ISO 8601 instant with an offset`,
      },
    },
    options,
  );
}

/** A burgerservicenummer: 9 digits passing the 11-proof. The message never echoes the value. */
export function IsBsn(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBsn',
      validator: {
        validate: isValidBsn,
        defaultMessage: (a) => `${a?.property} must be a 9-digit BSN that passes the 11-proof`,
      },
    },
    options,
  );
}

/**
 * A finite number with at most `places` decimals, by its value rather than its text: `1e2` is 100,
 * `1e-7` has more than 2 decimals (class-validator's maxDecimalPlaces splits the text on '.' and threw on it).
 */
export function IsDecimal(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDecimal',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isFinite(value) && Number(value.toFixed(places)) === value,
        defaultMessage: (a) => `${a?.property} must be a number with at most ${places} decimals`,
      },
    },
    options,
  );
}

/** Free text a person writes (a reason, a question, a statement): not blank, at most `maxLength` characters. */
export function IsText(maxLength: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/\S/, { message: '$property must not be blank' }),
    MaxLength(maxLength),
  );
}

/** Hours: positive, at most 2 decimals, at most `max`. */
export function IsHours(max: number): PropertyDecorator {
  return applyDecorators(IsDecimal(2), Min(0.01), Max(max));
}

/**
 * A whole number in a query string, written as plain digits: `0x10`, `1e1`, ` 2` and `1.0` stay strings
 * and fail the integer check (Number() would read them all).
 */
export const QueryInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value,
  );

/** Money in euro cents: a positive whole number, at most `max`. */
export function IsCents(max: number): PropertyDecorator {
  return applyDecorators(IsInt(), Min(1), Max(max));
}

export const KVK_PATTERN = /^\d{8}$/;
export function IsKvkNumber(): PropertyDecorator {
  return Matches(KVK_PATTERN, { message: 'kvkNumber must be 8 digits' });
}

/** Pagination per API.md: `?page=1&pageSize=50`, pageSize at most 500. */
export class PageQuery {
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  page: number = 1;

  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize: number = 50;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageOf<T>(items: T[], total: number, query: PageQuery): Page<T> {
  return { items, page: query.page, pageSize: query.pageSize, total };
}
