/**
 * Lesson CSV import vs. raw COPY (issue 3): generates N attendance rows (default 1,000,000), imports
 * them through the real endpoint (POST /lessons/imports, streamed) and worker until the import is DONE,
 * and, in the same run, times a raw COPY of the same rows into a scratch table with the columns and
 * indexes of lesson_attendees. The API and the worker run built, as separate processes, as deployed
 * (`npm run build` first; `npm run bench` does). Prints one JSON object to stdout (progress goes to stderr).
 *
 *   npx ts-node --transpile-only bench/lesson-import.bench.ts [--rows N]
 *
 * Target: the import reaches at least half the raw COPY speed (ratio >= 0.5).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync, WriteStream } from 'node:fs';
import { request } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Api } from '../scripts/lib/api-client';
import { validBsn } from '../scripts/lib/bsn-series';
import { recreateDatabase, startStack } from '../scripts/lib/stack';
import { loadConfig } from '../src/config/app-config';
import type { ImportAcceptedResponse, ImportResponse } from '../src/imports/imports.dto';

export const GROUPS = 500;
export const TEACHERS = 100;
const ATTENDEES_PER_LESSON = 12;
const WORK_DIR = 'var/bench/lesson-import';
const PORT = 3211;

const log = (message: string): void => void process.stderr.write(`[lesson-import bench] ${message}\n`);

function rowsArgument(): number {
  const at = process.argv.indexOf('--rows');
  const rows = at >= 0 ? Number(process.argv[at + 1]) : 1_000_000;
  if (!Number.isInteger(rows) || rows < ATTENDEES_PER_LESSON)
    throw new Error('--rows takes a whole number of at least 12');
  return rows;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

async function close(stream: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

interface Generated {
  csvPath: string;
  tsvPath: string;
  lessons: number;
}

/**
 * The same attendance twice: as the school's CSV, and as lesson_attendees rows for the raw COPY
 * (a random uuid per lesson, like gen_random_uuid, and one per learner). Each group has its own
 * 12 learners and 2-hour lessons, four a day.
 */
export async function generate(rows: number, schoolId: string): Promise<Generated> {
  mkdirSync(WORK_DIR, { recursive: true });
  const csvPath = join(WORK_DIR, 'lessons.csv');
  const tsvPath = join(WORK_DIR, 'attendees.tsv');
  const csv = createWriteStream(csvPath);
  const tsv = createWriteStream(tsvPath);
  const learnerIds = Array.from({ length: GROUPS * ATTENDEES_PER_LESSON }, () => randomUUID());
  const bsns = learnerIds.map((_, i) => validBsn(i));
  await write(csv, 'group_code,teacher_reference,starts_at,ends_at,bsn,mode\n');
  const lessons = Math.ceil(rows / ATTENDEES_PER_LESSON);
  const firstDay = Date.UTC(2024, 0, 1);
  let written = 0;
  for (let lesson = 0; lesson < lessons; lesson++) {
    const group = lesson % GROUPS;
    const occurrence = Math.floor(lesson / GROUPS);
    const day = new Date(firstDay + Math.floor(occurrence / 4) * 86_400_000).toISOString().slice(0, 10);
    const hour = 8 + 2 * (occurrence % 4);
    const startsAt = `${day}T${String(hour).padStart(2, '0')}:00:00+01:00`;
    const endsAt = `${day}T${String(hour + 2).padStart(2, '0')}:00:00+01:00`;
    const mode = lesson % 10 === 0 ? 'REMOTE' : 'IN_PERSON';
    const lessonId = randomUUID();
    let csvChunk = '';
    let tsvChunk = '';
    for (let seat = 0; seat < ATTENDEES_PER_LESSON && written < rows; seat++, written++) {
      const learner = group * ATTENDEES_PER_LESSON + seat;
      csvChunk += `G${group},T${lesson % TEACHERS},${startsAt},${endsAt},${bsns[learner]},${mode}\n`;
      tsvChunk += `${lessonId}\t${learnerIds[learner]}\t${schoolId}\t${startsAt}\t${endsAt}\t${day}\t${mode === 'REMOTE' ? 'f' : 't'}\n`;
    }
    await write(csv, csvChunk);
    await write(tsv, tsvChunk);
  }
  await Promise.all([close(csv), close(tsv)]);
  return { csvPath, tsvPath, lessons };
}

/** Streams a file as the request body: the client holds no more of it in memory than the server does. */
export function upload(api: Api, path: string, file: string): Promise<ImportAcceptedResponse> {
  const url = new URL(`${api.baseUrl}/api/v1${path}`);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'text/csv',
          'Content-Length': statSync(file).size,
          Authorization: `Bearer ${api.token}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          res.statusCode === 202
            ? resolve(JSON.parse(text) as ImportAcceptedResponse)
            : reject(new Error(`upload: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

type ImportStatus = Pick<ImportResponse, 'status' | 'rowsTotal' | 'rowsAccepted' | 'rowsRejected'>;

async function main(): Promise<void> {
  const rows = rowsArgument();
  const config = loadConfig();
  const url = new URL(config.databaseUrl);
  url.pathname = '/taalschool_bench_import';
  const databaseUrl = url.toString();
  await recreateDatabase(databaseUrl);
  const stack = await startStack({
    env: {
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `bench-import-${randomBytes(4).toString('hex')}`,
      UPLOAD_DIR: join(WORK_DIR, 'uploads'),
      LOG_LEVEL: 'log',
    },
    port: PORT,
    logDir: join(WORK_DIR, 'logs'),
  });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const admin = await Api.login(stack.baseUrl, config.admin.email, config.admin.password);
    const school = await admin.post<{ id: string }>('/schools', {
      name: 'Bench Taalschool',
      kvkNumber: '87654321',
    });
    await admin.post('/users', {
      email: 'school@bench.example',
      password: 'school-password',
      role: 'SCHOOL',
      schoolId: school.id,
    });
    const api = await Api.login(stack.baseUrl, 'school@bench.example', 'school-password');
    for (let g = 0; g < GROUPS; g++) await api.post('/groups', { code: `G${g}`, route: 'B1' });
    for (let t = 0; t < TEACHERS; t++)
      await api.post('/teachers', { name: `Teacher ${t}`, reference: `T${t}`, nt2Certified: true });

    log(`generating ${rows} rows`);
    const generated = await generate(rows, school.id);

    // Raw COPY first, so nothing the import sets off (the checks) runs beside it.
    await db.query(`CREATE TABLE bench_raw_attendance (LIKE lesson_attendees INCLUDING ALL)`);
    await db.query(`CHECKPOINT`);
    log('raw COPY');
    const copyStarted = process.hrtime.bigint();
    await pipeline(
      createReadStream(generated.tsvPath),
      db.query(copyFrom(`COPY bench_raw_attendance FROM STDIN`)),
    );
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
    await db.query(`DROP TABLE bench_raw_attendance`);
    await db.query(`CHECKPOINT`);

    log('import through the API and worker');
    const importStarted = process.hrtime.bigint();
    const { id } = await upload(api, '/lessons/imports', generated.csvPath);
    const uploadSeconds = Number(process.hrtime.bigint() - importStarted) / 1e9;
    let status: ImportStatus;
    for (;;) {
      status = await api.get<ImportStatus>(`/imports/${id}`);
      if (status.status === 'DONE' || status.status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const importSeconds = Number(process.hrtime.bigint() - importStarted) / 1e9;
    const [{ attendees, lessons }] = (
      await db.query(
        `SELECT (SELECT count(*)::int FROM lesson_attendees) AS attendees, (SELECT count(*)::int FROM lessons) AS lessons`,
      )
    ).rows;
    const version = ((await db.query(`SHOW server_version`)).rows[0] as { server_version: string })
      .server_version;
    if (
      status.status !== 'DONE' ||
      status.rowsAccepted !== rows ||
      attendees !== rows ||
      lessons !== generated.lessons
    ) {
      throw new Error(`import incomplete: ${JSON.stringify({ ...status, attendees, lessons })}`);
    }

    const importRate = rows / importSeconds;
    const copyRate = rows / copySeconds;
    const result = {
      benchmark: 'lesson-import',
      rows,
      lessons: generated.lessons,
      import: {
        seconds: round(importSeconds),
        uploadSeconds: round(uploadSeconds),
        rowsPerSecond: Math.round(importRate),
      },
      rawCopy: {
        seconds: round(copySeconds),
        rowsPerSecond: Math.round(copyRate),
        table: 'LIKE lesson_attendees INCLUDING ALL (same columns, PK and index)',
      },
      ratio: round(importRate / copyRate),
      target: 0.5,
      meetsTarget: importRate / copyRate >= 0.5,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGb: round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: version,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await db.end();
    await stack.stop(); // the checks the import set off may still run: the worker stops after its current job
    await recreateDatabase(databaseUrl).catch(() => undefined); // leaves it empty: a million rows less on disk
    rmSync(join(WORK_DIR, 'uploads'), { recursive: true, force: true });
    rmSync(join(WORK_DIR, 'lessons.csv'), { force: true });
    rmSync(join(WORK_DIR, 'attendees.tsv'), { force: true });
  }
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

if (require.main === module)
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
