/** Today in Europe/Amsterdam, as YYYY-MM-DD: the day deadlines and keurmerk status are measured on. */
export function amsterdamToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
}
