/**
 * npm run generate -- --scale small|national --seed N [--out DIR] [--load URL] [--database-url URL]
 *
 * Writes the data set and its ground truth to var/generated/<scale>-<seed>/ (dataset.json, truth.json,
 * the CSV files a school and DUO would upload). --load URL sends a small data set through the API
 * at URL (admin credentials from the environment / .env); --database-url loads a national one in bulk.
 */
import { config as loadDotenv } from 'dotenv';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { examResultsCsv, loadThroughApi, lessonsCsv, loanAccountsCsv, paymentsCsv } from './api-loader';
import { bulkLoad } from './bulk-loader';
import { Dataset, Scale } from './dataset';
import { generateDataset } from './generate-dataset';

export interface CliOptions {
  scale: Scale;
  seed: number;
  schools?: number;
  out?: string;
  load?: string;
  databaseUrl?: string;
}

export function parseArgs(argv: string[]): CliOptions {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scale = (value('scale') ?? 'small') as Scale;
  if (scale !== 'small' && scale !== 'national') throw new Error('--scale must be small or national');
  const seed = Number(value('seed') ?? '1');
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a non-negative integer');
  const schools = value('schools') === undefined ? undefined : Number(value('schools'));
  return { scale, seed, schools, out: value('out'), load: value('load'), databaseUrl: value('database-url') };
}

export const outputDir = (options: Pick<CliOptions, 'scale' | 'seed' | 'out'>): string =>
  resolve(options.out ?? join('var', 'generated', `${options.scale}-${options.seed}`));

/** Writes the ground truth, and for small data sets the whole data set and its upload files. */
export function writeDataset(dataset: Dataset, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'truth.json'),
    JSON.stringify(
      { seed: dataset.seed, scale: dataset.scale, expectedFlags: dataset.expectedFlags },
      null,
      1,
    ),
  );
  if (dataset.scale !== 'small') return;
  writeFileSync(join(dir, 'dataset.json'), JSON.stringify(dataset));
  for (const school of dataset.schools)
    writeFileSync(join(dir, `lessons-${school.kvkNumber}.csv`), lessonsCsv(school));
  writeFileSync(join(dir, 'loan-accounts.csv'), loanAccountsCsv(dataset));
  writeFileSync(join(dir, 'payments.csv'), paymentsCsv(dataset));
  writeFileSync(join(dir, 'exam-results.csv'), examResultsCsv(dataset));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const dataset = generateDataset(options);
  const dir = outputDir(options);
  writeDataset(dataset, dir);
  const lessons = dataset.schools.reduce((sum, s) => sum + s.lessons.length, 0);
  console.log(
    `generated ${options.scale} seed ${options.seed}: ${dataset.schools.length} schools, ${lessons} lessons, ` +
      `${dataset.payments.length} DUO payments, ${dataset.expectedFlags.length} expected flags -> ${dir} (${Date.now() - started} ms)`,
  );
  if (options.load) {
    loadDotenv({ quiet: true });
    const admin = { email: process.env.ADMIN_EMAIL ?? '', password: process.env.ADMIN_PASSWORD ?? '' };
    await loadThroughApi(dataset, options.load, admin, (line) => console.log(`  ${line}`));
  }
  if (options.databaseUrl) await bulkLoad(dataset, options.databaseUrl, (line) => console.log(`  ${line}`));
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
