/**
 * npm run score -- [--seeds 1,2] [--no-build] [--api URL] [--scale national --schools N]
 *
 * Detection scorecard: for each seed, generates the small data set, loads it through the API into a
 * scratch database (its own API and worker, started here from the build) or into the API at --api
 * (which must hold an empty database), runs the checks and compares the flags with the ground truth.
 * --scale national loads a national data set in bulk (COPY) into the scratch database instead.
 * Exits non-zero unless every rule shows recall 1.0, precision 1.0 and the expected severities.
 */
import { execSync } from 'node:child_process';
import { loadConfig } from '../src/config/app-config';
import { loadThroughApi, runChecks, signInDemoUsers } from './generator/api-loader';
import { bulkLoad } from './generator/bulk-loader';
import { Scale } from './generator/dataset';
import { generateDataset } from './generator/generate-dataset';
import { Api } from './lib/api-client';
import { currentFlags, naturalKeys, perfect, score, scoreTable } from './lib/scorecard';
import { recreateDatabase, startStack, Stack } from './lib/stack';

interface Options {
  seeds: number[];
  build: boolean;
  api?: string;
  scale: Scale;
  schools?: number;
}

function args(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seeds = (value('seeds') ?? value('seed') ?? '1,2').split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error('--seeds takes non-negative integers, e.g. 1,2');
  const scale = (value('scale') ?? 'small') as Scale;
  if (scale !== 'small' && scale !== 'national') throw new Error('--scale must be small or national');
  if (scale === 'national' && value('api'))
    throw new Error('--scale national loads in bulk into its own scratch database; leave out --api');
  const schools = value('schools') === undefined ? undefined : Number(value('schools'));
  return { seeds, build: !argv.includes('--no-build'), api: value('api'), scale, schools };
}

async function scoreSeed(seed: number, index: number, options: Options): Promise<boolean> {
  const config = loadConfig();
  const progress = (line: string): void => console.log(`  [seed ${seed}] ${line}`);
  const url = new URL(config.databaseUrl);
  url.pathname = `/taalschool_score_${options.scale}_${seed}`;
  let stack: Stack | undefined;
  let baseUrl = options.api;
  if (!baseUrl) {
    await recreateDatabase(url.toString());
    stack = await startStack({
      env: { DATABASE_URL: url.toString(), QUEUE_PREFIX: `score-${seed}-${process.pid}` },
      port: 3100 + index,
      logDir: `var/score/${options.scale}-${seed}`,
    });
    baseUrl = stack.baseUrl;
  }
  try {
    const started = Date.now();
    const dataset = generateDataset({ scale: options.scale, seed, schools: options.schools });
    let declarationKeys = new Map<string, string>();
    let users: { auditor: Api; duo: Api };
    if (options.scale === 'national') {
      await bulkLoad(dataset, url.toString(), progress);
      users = await signInDemoUsers(baseUrl, config.admin);
    } else {
      const loaded = await loadThroughApi(dataset, baseUrl, config.admin, progress);
      declarationKeys = new Map([...loaded.declarationIds].map(([key, id]) => [id, key]));
      users = loaded;
    }
    const checksStarted = Date.now();
    await runChecks(users.auditor, 30 * 60_000);
    progress(`check run done in ${Math.round((Date.now() - checksStarted) / 1000)} s`);
    const flags = await currentFlags(users.auditor);
    const keys = await naturalKeys(flags, users, { declarationKeys });
    const scores = score(dataset.expectedFlags, flags, keys);
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `\nseed ${seed}: ${dataset.expectedFlags.length} expected flags, ${flags.length} raised (${seconds} s)\n`,
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
