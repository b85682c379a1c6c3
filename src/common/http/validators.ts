import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
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

/** Hours: positive, at most 2 decimals, at most `max`. */
export function IsHours(max: number): PropertyDecorator {
  return applyDecorators(
    IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false }),
    Min(0.01),
    Max(max),
  );
}

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
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @IsOptional()
  @Type(() => Number)
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
