/** What the benches share to read their arguments and to report a figure over several runs. */

/** `--name N` as a positive number, or the fallback. */
export function argumentOf(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number`);
  return value;
}

/** A figure over several runs: this machine's timings vary by about 20% from run to run. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number[];
}

export function spreadOf(runs: number[]): Spread {
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    min: sorted[0],
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    max: sorted[sorted.length - 1],
    runs,
  };
}
