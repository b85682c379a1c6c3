/**
 * The story `npm run demo` tells, against the API that scripts/demo.sh started: the keurmerk of a
 * school recorded and read back, a small country loaded through the API, the checks, and what a
 * person wants to see: flags per rule and severity, the five riskiest schools and why, the three
 * reports, one exemption walked along each path, and where to look further.
 * Anything another part of the portal does not offer yet is said so, never a crash.
 */
import { loadConfig } from '../src/config/app-config';
import { Api } from './lib/api-client';
import {
  DEMO_USERS,
  LoadedDataset,
  loadThroughApi,
  runChecks,
  schoolUserEmail,
} from './generator/api-loader';
import { Dataset, ExemptionSpec, RULE_CODES } from './generator/dataset';
import { generateDataset } from './generator/generate-dataset';
import { ApiFlag, currentFlags, naturalKeys, perfect, score, scoreTable } from './lib/scorecard';
import { LETTER_PERIOD, loadSupervisionLetter } from './lib/supervision-letter';
import { presentedDeclarations } from './lib/presented-story';
import {
  DECLARATIONS_LETTER_FIGURES,
  DECLARATIONS_LETTER_PERIOD,
  loadLetterProfile,
} from './generator/letter-profile';
import { waitForHealth } from './lib/stack';

const SEED = 2024;
const WEIGHT = { HIGH: 5, MEDIUM: 2, LOW: 1 } as const;

const heading = (title: string): void =>
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 90 - title.length))}`);

/** Runs one part of the story; a part that fails is reported, and the story goes on. */
async function part(title: string, work: () => Promise<void>): Promise<void> {
  heading(title);
  try {
    await work();
  } catch (error) {
    console.log(`  (could not show this part: ${error instanceof Error ? error.message : String(error)})`);
  }
}

function table(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  // Figures right-aligned, words left-aligned.
  const numeric = header.map((_, i) =>
    rows.every((r) => typeof r[i] === 'number' || /^[\d.%-]+$/.test(String(r[i]))),
  );
  for (const [n, row] of cells.entries()) {
    console.log(
      `  ${row.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`,
    );
    if (n === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
}

async function keurmerkHistory(admin: Api, dataset: Dataset, loaded: LoadedDataset): Promise<void> {
  const withdrawn = dataset.schools.find((s) => s.profile === 'withdrawn') ?? dataset.schools[0];
  const id = loaded.schools.get(withdrawn.kvkNumber)?.id;
  const school = await admin.get<{ name: string; kvkNumber: string; keurmerkStatus: string }>(
    `/schools/${id}`,
  );
  const events = await admin.get<
    | { status: string; effectiveFrom: string; reason: string }[]
    | { items: { status: string; effectiveFrom: string; reason: string }[] }
  >(`/schools/${id}/keurmerk-events`);
  console.log(
    `  ${school.name} (KvK ${school.kvkNumber}), keurmerk today: ${school.keurmerkStatus}; history read back:`,
  );
  for (const e of Array.isArray(events) ? events : events.items)
    console.log(`    ${e.effectiveFrom}  ${e.status.padEnd(9)}  ${e.reason}`);
}

function flagsPerRule(flags: ApiFlag[]): void {
  const rows = RULE_CODES.map((rule) => {
    const of = flags.filter((f) => f.rule === rule);
    return [
      rule,
      of.filter((f) => f.severity === 'HIGH').length,
      of.filter((f) => f.severity === 'MEDIUM').length,
      of.filter((f) => f.severity === 'LOW').length,
      of.length,
    ];
  });
  table(
    ['rule', 'HIGH', 'MEDIUM', 'LOW', 'total'],
    [
      ...rows,
      ['all rules', ...[2, 3, 4].map((i) => rows.reduce((s, r) => s + Number(r[i - 1]), 0)), flags.length],
    ],
  );
}

async function riskiestSchools(auditor: Api, flags: ApiFlag[]): Promise<string[]> {
  const schools = new Map(
    (await auditor.all<{ id: string; name: string; keurmerkStatus: string }>('/schools')).map((s) => [
      s.id,
      s,
    ]),
  );
  const risk = new Map<string, ApiFlag[]>();
  for (const flag of flags)
    if (flag.schoolId) risk.set(flag.schoolId, [...(risk.get(flag.schoolId) ?? []), flag]);
  const ranked = [...risk.entries()]
    .map(([id, of]) => ({ id, of, score: of.reduce((s, f) => s + WEIGHT[f.severity], 0) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 5);
  console.log('  risk score: HIGH 5, MEDIUM 2, LOW 1 per open flag');
  for (const [i, entry] of ranked.entries()) {
    const school = schools.get(entry.id);
    console.log(
      `\n  ${i + 1}. ${school?.name ?? entry.id} (keurmerk: ${school?.keurmerkStatus ?? '?'}), score ${entry.score}, ${entry.of.length} flags`,
    );
    const byRule = new Map<string, ApiFlag[]>();
    for (const f of entry.of) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    for (const [rule, of] of [...byRule.entries()].sort((a, b) => b[1].length - a[1].length))
      console.log(
        `     ${String(of.length).padStart(3)} x ${rule.padEnd(34)} e.g. ${of[0].explanation.slice(0, 110)}`,
      );
  }
  const clean = [...schools.values()].filter((s) => !risk.has(s.id)).map((s) => s.name);
  if (clean.length > 0) console.log(`\n  no flags at all: ${clean.join(', ')}`);
  return ranked.map((r) => r.id);
}

async function reports(
  auditor: Api,
  duo: Api,
  dataset: Dataset,
  school: { id: string; why: string } | undefined,
): Promise<void> {
  // The report counts declarations by the day they arrived in Amsterdam, which is not the UTC day near midnight.
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
  await part(`Report: hours declarations ${dataset.window.from} .. ${today}`, async () => {
    const r = await auditor.get<Record<string, number>>(
      `/reports/declarations?from=${dataset.window.from}&to=${today}`,
    );
    for (const key of ['submitted', 'withoutDuoContract', 'flagged', 'refused', 'forgeryReports'])
      console.log(`  ${key.padEnd(20)} ${r[key]}`);
  });
  await part(`Report: compliance of ${school?.why ?? 'a school'}, 2024, per month`, async () => {
    if (!school) return console.log('  (no school has flags)');
    const r = await auditor.get<{
      months: {
        month: string;
        lessons: number;
        certifiedShare: number | null;
        lessonsOverMaxGroupSize: number;
        openFlagsTotal: number;
      }[];
    }>(`/reports/schools/${school.id}/compliance?from=2024-01-01&to=2024-12-31`);
    table(
      ['month', 'lessons', 'certified share', 'over max group size', 'open flags'],
      r.months.map((m) => [
        m.month,
        m.lessons,
        m.certifiedShare === null ? '-' : `${Math.round(m.certifiedShare * 100)}%`,
        m.lessonsOverMaxGroupSize,
        m.openFlagsTotal,
      ]),
    );
  });
  await part('Report: ELIP (loan nearly used, still obliged) on 2025-03-01', async () => {
    const r = await duo.get<{
      total: number;
      cohorts: {
        cohortYear: number | null;
        learners: number;
        loanUsedAtLeast9500?: number;
        termEndingWithin12Months?: number;
      }[];
    }>('/reports/elip?date=2025-03-01');
    table(
      ['cohort', 'learners', '>= EUR 9,500', 'EUR 7,500+, term < 12 months'],
      r.cohorts.map((c) => [
        c.cohortYear ?? 'unknown',
        c.learners,
        c.loanUsedAtLeast9500 ?? '',
        c.termEndingWithin12Months ?? '',
      ]),
    );
    console.log(`  total ${r.total}`);
  });
}

interface Exemption {
  id: string;
  status: string;
  timeline: {
    at: string;
    action: string;
    by: string | null;
    reason: string | null;
    statusAfter?: string;
    details?: { forgeryReportIds?: string[] } | null;
  }[];
}

/** One exemption request along its path, as DUO and the school would act. */
async function walkExemption(spec: ExemptionSpec, loaded: LoadedDataset): Promise<void> {
  const duo = loaded.duo;
  const declarationIds = spec.declarationKeys
    .map((key) => loaded.declarationIds.get(key))
    .filter((id): id is string => !!id);
  console.log(`  ${spec.path}: ${spec.story}`);
  const created = await duo.post<{ id: string; status: string }>('/exemptions', {
    learnerBsn: spec.learnerBsn,
    grounds: spec.grounds,
    declarationIds,
    examAttempts: spec.examAttempts,
  });
  const act = (action: string, extra: object = {}) =>
    duo.post(`/exemptions/${created.id}/actions`, { action, ...extra });
  const status = async (): Promise<string> => (await duo.get<Exemption>(`/exemptions/${created.id}`)).status;
  if (spec.path === 'GRANTED') {
    if ((await status()) === 'READY_FOR_DECISION')
      await act('GRANT', { reason: 'AGI: 600+ hours in accepted declarations and 3 exam attempts' });
  } else if (spec.path === 'REFUSED_SCHOOL_DENIES') {
    const kvk = spec.declarationKeys[0].split('|')[0];
    const school = await Api.login(duo.baseUrl, schoolUserEmail(kvk), DEMO_USERS.schoolPassword);
    const requests = await school.all<{ id: string; declarationIds: string[]; status: string }>(
      '/confirmation-requests',
    );
    const request = requests.find(
      (r) => r.declarationIds.some((id) => declarationIds.includes(id)) && r.status === 'PENDING',
    );
    if (request)
      await school.post(`/confirmation-requests/${request.id}/response`, {
        issued: false,
        note: 'We never issued this declaration.',
      });
  } else {
    if ((await status()) === 'AWAITING_SCHOOL' || (await status()) === 'READY_FOR_DECISION')
      await act('REQUEST_LEARNER_EVIDENCE', {
        reason: 'no contract known at DUO; asking the learner for a contract or bank statement',
      });
    await act('RECORD_LEARNER_EVIDENCE', {
      verified: false,
      reason: 'the bank statement shows no payments to the school',
    });
    await act('ANNOUNCE_INTENDED_REFUSAL', { reason: 'evidence not verified' }).catch(() => undefined); // already INTENDED_REFUSAL
    await act('REFUSE', {
      reason: 'course hours not shown: declaration without contract, evidence not verified',
    });
  }
  const final = await duo.get<Exemption>(`/exemptions/${created.id}`);
  console.log(`    -> ${final.status}`);
  for (const t of final.timeline)
    console.log(
      `       ${String(t.at).slice(0, 19)}  ${t.action.padEnd(26)} -> ${(t.statusAfter ?? '').padEnd(25)} ${t.reason ?? ''}`,
    );
}

/**
 * Case work on one HIGH flag of a school: the auditor asks the school for its view (hoor en wederhoor), the
 * school answers, the auditor proposes to confirm and DUO approves (four eyes); the flag's timeline read back.
 */
async function hearingAndFourEyes(baseUrl: string, loaded: LoadedDataset, flags: ApiFlag[]): Promise<void> {
  const flag = flags.find((f) => f.severity === 'HIGH' && f.schoolId && f.status === 'OPEN');
  if (!flag) return console.log('  (no open HIGH flag on a school)');
  const school = await loaded.auditor.get<{ kvkNumber: string; name: string }>(`/schools/${flag.schoolId}`);
  const schoolApi = await Api.login(baseUrl, schoolUserEmail(school.kvkNumber), DEMO_USERS.schoolPassword);
  const dueOn = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  console.log(`  ${flag.rule} on ${school.name}: ${flag.explanation}`);
  await loaded.auditor.post(`/flags/${flag.id}/hearing`, {
    dueOn,
    question: 'Herkent u deze cijfers? Stuur de presentielijsten van de periode mee.',
  });
  await schoolApi.post(`/flags/${flag.id}/hearing/response`, {
    statement: 'De presentielijsten zijn onvolledig bijgehouden; wij hebben de lessen niet alle gegeven.',
  });
  const proposed = await loaded.auditor.post<{ status: string; pendingDecision?: object }>(
    `/flags/${flag.id}/decision`,
    {
      outcome: 'CONFIRMED',
      reason: 'De school erkent in haar zienswijze dat de lessen niet alle zijn gegeven.',
    },
  );
  console.log(`  proposed by the auditor: ${proposed.status}, awaiting a second reviewer`);
  const approved = await loaded.duo.post<{ status: string }>(`/flags/${flag.id}/decision/approval`, {
    approved: true,
  });
  console.log(`  approved by DUO: ${approved.status}`);
  const timeline = await loaded.auditor.get<{ at: string; action: string }[]>(`/flags/${flag.id}/timeline`);
  for (const step of timeline) console.log(`    ${step.at}  ${step.action}`);
  console.log(`  in the console: ${baseUrl}/console/flags/${flag.id}`);
}

/** The letter's half year entered as Blik op Werk and DUO would, and the supervision report read back. */
async function supervisionReport(auditor: Api): Promise<void> {
  await loadSupervisionLetter(auditor);
  const r = await auditor.get<Record<string, number | Record<string, number>>>(
    `/reports/supervision?from=${LETTER_PERIOD.from}&to=${LETTER_PERIOD.to}`,
  );
  const breakdown = (value: number | Record<string, number>): string =>
    typeof value === 'number'
      ? String(value)
      : Object.entries(value)
          .filter(([, n]) => n > 0)
          .map(([key, n]) => `${key} ${n}`)
          .join(', ') || '0';
  for (const key of Object.keys(r).filter((k) => k !== 'from' && k !== 'to'))
    console.log(`  ${key.padEnd(28)} ${breakdown(r[key])}`);
}

/** What each story of a presented declaration came to, in words. */
const LETTER_STORIES: Record<string, string> = {
  SELF_PAYER:
    'a self-paying learner (LOW: DUO cannot know the contract); the school confirmed, or the learner showed evidence',
  NOT_ISSUED: 'presented, not in the register; the school denied issuing it: refused, forgery report',
  MATCHED: 'presented, and matched in the register: the registered declaration is used',
  CLOSED_SCHOOL:
    'presented in the name of a school that closed: the learner was asked at once, evidence verified',
  UNKNOWN_KVK:
    'presented in the name of a KvK that is no registered school: the learner was asked, no evidence',
  GRANTED_THEN_SUSPENDED:
    'granted; a suspension recorded later over its period raised no flag on it (legal certainty)',
};

/** The letter profile loaded on top of the demo country, its stories, and the report that reproduces the letter. */
async function declarationsLetter(
  baseUrl: string,
  admin: { email: string; password: string },
  started: number,
): Promise<void> {
  const outcome = await loadLetterProfile(baseUrl, admin, (line) =>
    console.log(`  [${Math.round(Date.now() / 1000 - started)} s] ${line}`),
  );
  const stories = new Map<string, Map<string, number>>();
  for (const e of outcome.exemptions) {
    const statuses = stories.get(e.story) ?? new Map<string, number>();
    statuses.set(e.status, (statuses.get(e.status) ?? 0) + 1);
    stories.set(e.story, statuses);
  }
  table(
    ['story', 'requests', 'status'],
    [...stories].map(([story, statuses]) => [
      LETTER_STORIES[story],
      [...statuses.values()].reduce((a, b) => a + b, 0),
      [...statuses].map(([status, n]) => `${n} ${status}`).join(', '),
    ]),
  );
  const forged = outcome.exemptions.find((e) => e.story === 'NOT_ISSUED');
  if (forged) {
    const timeline = await outcome.loaded.duo.get<Exemption>(`/exemptions/${forged.id}`);
    console.log('  one forged declaration, step by step:');
    for (const t of timeline.timeline)
      console.log(`       ${t.action.padEnd(18)} -> ${(t.statusAfter ?? '').padEnd(20)} ${t.reason ?? ''}`);
  }
  const r = await outcome.loaded.duo.get<Record<string, number>>(
    `/reports/declarations?from=${DECLARATIONS_LETTER_PERIOD.from}&to=${DECLARATIONS_LETTER_PERIOD.to}&basis=issued`,
  );
  console.log(
    `  GET /reports/declarations?from=${DECLARATIONS_LETTER_PERIOD.from}&to=${DECLARATIONS_LETTER_PERIOD.to}&basis=issued`,
  );
  for (const key of ['submitted', 'withoutDuoContract', 'refused', 'forgeryReports'])
    console.log(
      `  ${key.padEnd(20)} ${String(r[key]).padStart(4)}   (the letter: ${DECLARATIONS_LETTER_FIGURES[key as keyof typeof DECLARATIONS_LETTER_FIGURES]})`,
    );
}

async function main(): Promise<void> {
  const config = loadConfig();
  const baseUrl = `http://localhost:${config.port}`;
  const started = Number(process.env.DEMO_STARTED ?? Date.now() / 1000);
  await waitForHealth(baseUrl);
  const admin = await Api.login(baseUrl, config.admin.email, config.admin.password);
  console.log(`[demo] API healthy at ${baseUrl}; admin ${config.admin.email} logged in`);

  const dataset = generateDataset({ scale: 'small', seed: SEED });
  heading(`Loading a small country through the API (seed ${SEED})`);
  const loaded = await loadThroughApi(dataset, baseUrl, config.admin, (line) =>
    console.log(`  [${Math.round(Date.now() / 1000 - started)} s] ${line}`),
  );
  console.log('');
  table(
    ['school', 'KvK', 'story', 'lessons', 'contracts', 'invoices', 'declarations', 'planted flags'],
    dataset.schools.map((s) => [
      s.name,
      s.kvkNumber,
      s.profile,
      s.lessons.length,
      s.contracts.length,
      s.invoices.length,
      s.declarations.length,
      dataset.expectedFlags.filter((f) => f.schoolKvk === s.kvkNumber).length,
    ]),
  );
  console.log(
    `  plus ${dataset.expectedFlags.filter((f) => !f.schoolKvk).length} planted cross-school flags (DUO quarterly cap, loan limit)`,
  );

  await part('The keurmerk history of a school, recorded by the auditor and read back', () =>
    keurmerkHistory(admin, dataset, loaded),
  );

  let flags: ApiFlag[] = [];
  await part('Checks', async () => {
    const run = await runChecks(loaded.auditor);
    flags = await currentFlags(loaded.auditor);
    console.log(
      `  check run done: ${run.flagsRaised} raised, ${run.flagsWithdrawn} withdrawn; ${flags.length} flags in force`,
    );
  });
  await part('Flags per rule and severity', async () => flagsPerRule(flags));
  let riskiest: string[] = [];
  await part('The five riskiest schools, and why', async () => {
    riskiest = await riskiestSchools(loaded.auditor, flags);
  });
  await part('Detection against the generated ground truth', async () => {
    const keys = await naturalKeys(flags, loaded, {
      declarationKeys: new Map([...loaded.declarationIds].map(([k, id]) => [id, k])),
    });
    const scores = score(dataset.expectedFlags, flags, keys);
    console.log(scoreTable(scores).replace(/^/gm, '  '));
    console.log(
      perfect(scores)
        ? '  every planted irregularity found, no false flag'
        : '  NOT all planted irregularities found exactly (see above)',
    );
  });
  // The compliance report tells most about a school below the 80% norm; else the riskiest one.
  const belowNorm = flags.find(
    (f) => f.rule === 'CERTIFIED_LESSON_SHARE_BELOW_NORM' && f.severity === 'HIGH',
  );
  const reported = belowNorm?.schoolId
    ? { id: belowNorm.schoolId, why: 'the school below the 80% norm' }
    : riskiest[0]
      ? { id: riskiest[0], why: 'the riskiest school' }
      : undefined;
  await reports(loaded.auditor, loaded.duo, dataset, reported);
  for (const spec of dataset.exemptions)
    await part(`Exemption walked through: ${spec.path}`, () => walkExemption(spec, loaded));
  await part('A flag heard and decided by four eyes', () => hearingAndFourEyes(baseUrl, loaded, flags));
  await part(`Report: supervision ${LETTER_PERIOD.from} .. ${LETTER_PERIOD.to} (the letter 002 D.2.1)`, () =>
    supervisionReport(loaded.auditor),
  );

  // After the walked exemptions and the reports above: the school's denial here adds a forgery report.
  await part("Presented declarations: the learner's paper checked against the school's register", () =>
    presentedDeclarations(loaded, baseUrl),
  );

  await part(
    `The minister's letter: hours declarations issued ${DECLARATIONS_LETTER_PERIOD.from} .. ${DECLARATIONS_LETTER_PERIOD.to} (000 §3.4)`,
    () => declarationsLetter(baseUrl, config.admin, started),
  );

  heading('Explore');
  console.log(`  Console          ${baseUrl}/console   (sign in with the accounts below)`);
  console.log(`    Werkvoorraad   ${baseUrl}/console/flags   Dashboard ${baseUrl}/console/dashboard`);
  console.log(
    `    Meldingen      ${baseUrl}/console/signals   Toezicht ${baseUrl}/console/supervision?from=${LETTER_PERIOD.from}&to=${LETTER_PERIOD.to}`,
  );
  console.log(`    a school       ${baseUrl}/console/school (as a school user)`);
  console.log(`  API docs         ${baseUrl}/api/v1/docs   (OpenAPI: ${baseUrl}/api/v1/openapi.json)`);
  console.log(
    `  Queue dashboard  ${baseUrl}/api/v1/admin/queues   (ADMIN: log in with the admin e-mail and password)`,
  );
  console.log(`  Admin            ${config.admin.email} / ${config.admin.password}   (from .env)`);
  console.log(
    `  Auditor, DUO     ${DEMO_USERS.auditor.email} / ${DEMO_USERS.auditor.password},  ${DEMO_USERS.duo.email} / ${DEMO_USERS.duo.password}`,
  );
  console.log(
    `  Schools          school-<kvk>@demo.example / ${DEMO_USERS.schoolPassword}, e.g. ${schoolUserEmail(dataset.schools[0].kvkNumber)} (${dataset.schools[0].name}, the clean one)`,
  );
  console.log(`  Logs             var/demo/api.log, var/demo/worker.log`);
  console.log(`\n[demo] told in ${Math.round(Date.now() / 1000 - started)} s`);
}

main().catch((error: unknown) => {
  console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
