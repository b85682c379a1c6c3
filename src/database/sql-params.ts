/**
 * The positional parameters of one statement composed from parts (CTEs of several modules): each part adds its
 * values and writes the placeholders it is given, so no part needs to know how many came before it.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** `$n` (with a cast when given) for this value. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}
