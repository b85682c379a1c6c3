/**
 * npm run score -- [--seeds 1,2] [--no-build] [--api URL]
 *
 * Detection scorecard: for each seed, generates the small data set, loads it through the API into a
 * scratch database (its own API and worker, started here from the build) or into the API at --api
 * (which must hold an empty database), runs the checks and compares the flags with the ground truth.
 * Exits non-zero unless every rule shows recall 1.0, precision 1.0 and the expected severities.
 */
import { execSync } from 'node:child_process';
import { loadConfig } from '../src/config/app-config';
import { loadThroughApi, runChecks } from './generator/api-loader';
import { generateDataset } from './generator/generate-dataset';
import { currentFlags, naturalKeys, perfect, score, scoreTable } from './lib/scorecard';
import { recreateDatabase, startStack, Stack } from './lib/stack';

function args(argv: string[]): { seeds: number[]; build: boolean; api?: string } {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seeds = (value('seeds') ?? value('seed') ?? '1,2').split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error('--seeds takes non-negative integers, e.g. 1,2');
  return { seeds, build: !argv.includes('--no-build'), api: value('api') };
}

async function scoreSeed(seed: number, index: number, options: ReturnType<typeof args>): Promise<boolean> {
  const config = loadConfig();
  let stack: Stack | undefined;
  let baseUrl = options.api;
  if (!baseUrl) {
    const url = new URL(config.databaseUrl);
    url.pathname = `/taalschool_score_${seed}`;
    await recreateDatabase(url.toString());
    stack = await startStack({
      env: { DATABASE_URL: url.toString(), QUEUE_PREFIX: `score-${seed}-${process.pid}` },
      port: 3100 + index,
      logDir: `var/score/${seed}`,
    });
    baseUrl = stack.baseUrl;
  }
  try {
    const started = Date.now();
    const dataset = generateDataset({ scale: 'small', seed });
    const loaded = await loadThroughApi(dataset, baseUrl, config.admin, (line) =>
      console.log(`  [seed ${seed}] ${line}`),
    );
    if (loaded.missing.length > 0)
      console.log(`  [seed ${seed}] NOT BUILT YET, not loaded: ${loaded.missing.join(', ')}`);
    await runChecks(loaded.auditor);
    const flags = await currentFlags(loaded.auditor);
    const keys = await naturalKeys(flags, loaded, {
      declarationKeys: new Map([...loaded.declarationIds].map(([key, id]) => [id, key])),
    });
    const scores = score(dataset.expectedFlags, flags, keys);
    console.log(
      `\nseed ${seed}: ${dataset.expectedFlags.length} expected flags, ${flags.length} raised (${Math.round((Date.now() - started) / 1000)} s)\n`,
    );
    console.log(scoreTable(scores));
    console.log('');
    return perfect(scores);
  } finally {
    await stack?.stop();
  }
}

async function main(): Promise<void> {
  const options = args(process.argv.slice(2));
  if (!options.api && options.build) execSync('npm run build', { stdio: 'inherit' });
  let ok = true;
  for (const [index, seed] of options.seeds.entries()) ok = (await scoreSeed(seed, index, options)) && ok;
  console.log(
    ok ? 'scorecard: recall 1.0 and precision 1.0 for every rule' : 'scorecard: BELOW 1.0 (see the table)',
  );
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
