/** Calendar days as `YYYY-MM-DD` strings, and lesson instants in Europe/Amsterdam. */
export type Day = string;

const MS_PER_DAY = 86_400_000;

const toUtc = (day: Day): number => Date.parse(`${day}T00:00:00Z`);
const fromUtc = (ms: number): Day => new Date(ms).toISOString().slice(0, 10);

export const addDays = (day: Day, days: number): Day => fromUtc(toUtc(day) + days * MS_PER_DAY);

/** 0 = Sunday .. 6 = Saturday. */
export const weekday = (day: Day): number => new Date(toUtc(day)).getUTCDay();

export function* daysBetween(from: Day, to: Day): Generator<Day> {
  for (let ms = toUtc(from); ms <= toUtc(to); ms += MS_PER_DAY) yield fromUtc(ms);
}

/** The same day `months` later, a month end clamped as Postgres does (2024-08-31 + 6 months = 2025-02-28). */
export function addMonths(day: Day, months: number): Day {
  const [year, month, date] = day.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date, lastOfMonth));
  return target.toISOString().slice(0, 10);
}

export const minDay = (a: Day, b: Day): Day => (a < b ? a : b);
export const maxDay = (a: Day, b: Day): Day => (a > b ? a : b);

export interface Period {
  from: Day;
  to: Day;
}

export function quarterOf(day: Day): Period {
  const year = Number(day.slice(0, 4));
  const q = Math.floor((Number(day.slice(5, 7)) - 1) / 3);
  const from = `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`;
  const nextFrom = q === 3 ? `${year + 1}-01-01` : `${year}-${String(q * 3 + 4).padStart(2, '0')}-01`;
  return { from, to: addDays(nextFrom, -1) };
}

/** The calendar quarters that meet [from, to], in order. */
export function quartersBetween(from: Day, to: Day): Period[] {
  const quarters: Period[] = [];
  for (let q = quarterOf(from); q.from <= to; q = quarterOf(addDays(q.to, 1))) quarters.push(q);
  return quarters;
}

function lastSunday(year: number, month: number): Day {
  let day = addDays(`${year}-${String(month + 1).padStart(2, '0')}-01`, -1);
  while (weekday(day) !== 0) day = addDays(day, -1);
  return day;
}

/**
 * The instant of a local Europe/Amsterdam wall-clock time, with its offset. Summer time runs from
 * the last Sunday of March to the last Sunday of October; lessons are never in the switching hours.
 */
export function amsterdamInstant(day: Day, time: string): string {
  const year = Number(day.slice(0, 4));
  const summer = day >= lastSunday(year, 3) && day < lastSunday(year, 10);
  return `${day}T${time}:00${summer ? '+02:00' : '+01:00'}`;
}

/** Hours between two `HH:MM` times of one day. */
export const hoursBetween = (start: string, end: string): number => {
  const minutes = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return (minutes(end) - minutes(start)) / 60;
};
