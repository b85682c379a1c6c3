/** How the console writes dates, times, hours and money: Dutch, in Europe/Amsterdam. */
const DATE = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'medium' });
const DATE_TIME = new Intl.DateTimeFormat('nl-NL', {
  timeZone: 'Europe/Amsterdam',
  dateStyle: 'medium',
  timeStyle: 'short',
});
const NUMBER = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 2 });
const EURO = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });
const PERCENT = new Intl.NumberFormat('nl-NL', { style: 'percent', maximumFractionDigits: 1 });

/** `YYYY-MM-DD` (a calendar day, no zone) or an instant. */
export function date(value: string | Date | null | undefined): string {
  if (!value) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return DATE.format(new Date(`${value}T12:00:00Z`));
  return DATE.format(new Date(value));
}

export function dateTime(value: string | Date | null | undefined): string {
  return value ? DATE_TIME.format(new Date(value)) : '';
}

export function number(value: number | string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '' : NUMBER.format(Number(value));
}

export function euros(cents: number | string | null | undefined): string {
  return cents === null || cents === undefined ? '' : EURO.format(Number(cents) / 100);
}

export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? '' : PERCENT.format(share);
}

/** A period `{from, to}` as "1 jan 2024 t/m 31 mrt 2024". */
export function period(value: { from: string; to: string | null } | null | undefined): string {
  if (!value) return '';
  return value.to && value.to !== value.from ? `${date(value.from)} t/m ${date(value.to)}` : date(value.from);
}
