/**
 * Loads a (small) generated data set through the public API exactly as outside clients would:
 * an auditor registers the schools and their keurmerk history, each school submits its teachers,
 * groups, contracts, lessons (CSV import, plus single lessons), invoices and declarations, DUO imports
 * loan accounts, payments and exam results, closed schools are closed and DUO registers the presented
 * declarations. Every endpoint it uses exists: any failure fails the load.
 */
import { Api, ApiError, inPool, pollUntil } from '../lib/api-client';
import { Dataset, declarationKey, LessonSpec, PresentedSpec, SchoolSpec } from './dataset';

export interface DemoUsers {
  auditor: { email: string; password: string };
  duo: { email: string; password: string };
  schoolPassword: string;
}

export const DEMO_USERS: DemoUsers = {
  auditor: { email: 'auditor@demo.example', password: 'demo-auditor-password' },
  duo: { email: 'duo@demo.example', password: 'demo-duo-password' },
  schoolPassword: 'demo-school-password',
};

export const schoolUserEmail = (kvk: string): string => `school-${kvk}@demo.example`;

export interface LoadedDataset {
  admin: Api;
  auditor: Api;
  duo: Api;
  schools: Map<string, { id: string; api: Api }>;
  /** Declaration ids by natural key (declarationKey). */
  declarationIds: Map<string, string>;
  /** The exemption request DUO registered for each presented declaration, in the data set's order. */
  presented: PresentedExemption[];
}

/** A presented declaration's exemption request as registered: what the register said, and where step 3 sent it. */
export interface PresentedExemption {
  story: PresentedSpec['story'];
  schoolKvk: string;
  exemptionId: string;
  declarationId: string;
  match: 'REGISTERED' | 'NOT_REGISTERED';
  status: string;
}

type Log = (line: string) => void;

export async function loadThroughApi(
  dataset: Dataset,
  baseUrl: string,
  admin: { email: string; password: string },
  log: Log = () => undefined,
): Promise<LoadedDataset> {
  const { admin: adminApi, auditor, duo } = await signInDemoUsers(baseUrl, admin);
  const loaded: LoadedDataset = {
    admin: adminApi,
    auditor,
    duo,
    schools: new Map(),
    declarationIds: new Map(),
    presented: [],
  };

  // Schools, their keurmerk history and measures (auditor), and a user per school (admin).
  await inPool(dataset.schools, 3, async (school) => {
    const { id } = await auditor.post<{ id: string }>('/schools', {
      name: school.name,
      kvkNumber: school.kvkNumber,
      bowNumber: school.bowNumber,
    });
    for (const event of school.keurmerkEvents) await auditor.post(`/schools/${id}/keurmerk-events`, event);
    for (const measure of school.measures) await auditor.post(`/schools/${id}/measures`, measure);
    const email = schoolUserEmail(school.kvkNumber);
    await ensureUser(adminApi, { email, password: DEMO_USERS.schoolPassword, role: 'SCHOOL', schoolId: id });
    loaded.schools.set(school.kvkNumber, {
      id,
      api: await Api.login(baseUrl, email, DEMO_USERS.schoolPassword),
    });
  });
  log(`${dataset.schools.length} schools with keurmerk histories and measures`);

  // What each school submits, in the order a school would.
  await inPool(dataset.schools, 2, async (school) => {
    const api = (loaded.schools.get(school.kvkNumber) as { api: Api }).api;
    await inPool(school.teachers, 4, (t) => api.post('/teachers', t));
    await inPool(school.groups, 4, (g) => api.post('/groups', g));
    await inPool(school.contracts, 6, (c) => api.post('/contracts', c));
    await importLessons(api, school);
    await inPool(
      school.lessons.filter((l) => l.single),
      4,
      (l) => api.post('/lessons', lessonBody(l)),
    );
    await inPool(school.invoices, 6, ({ learnerBsn: _, ...invoice }) => api.post('/invoices', invoice));
  });
  log(
    `teachers, groups, contracts, ${count(dataset, (s) => s.lessons.length)} lessons, ${count(dataset, (s) => s.invoices.length)} invoices`,
  );

  // DUO's loan accounts and payments.
  await waitForImport(
    duo,
    await duo.postCsv<{ id: string }>('/duo/imports?type=loan-accounts', loanAccountsCsv(dataset)),
    'loan accounts',
  );
  await waitForImport(
    duo,
    await duo.postCsv<{ id: string }>('/duo/imports?type=payments', paymentsCsv(dataset)),
    'payments',
  );
  await waitForImport(
    duo,
    await duo.postCsv<{ id: string }>('/duo/imports?type=exam-results', examResultsCsv(dataset)),
    'exam results',
  );
  log(
    `DUO: ${dataset.loanAccounts.length} loan accounts, ${dataset.payments.length} payments, ${dataset.examResults.length} exam results`,
  );

  // Hours declarations last: the checks then see every record they rest on.
  await inPool(dataset.schools, 2, async (school) => {
    const api = (loaded.schools.get(school.kvkNumber) as { api: Api }).api;
    await inPool(school.declarations, 4, async (d) => {
      const { id } = await api.post<{ id: string }>('/hours-declarations', d);
      loaded.declarationIds.set(declarationKey(school.kvkNumber, d), id);
    });
  });
  log(`${loaded.declarationIds.size} hours declarations`);

  // Schools that ceased to exist, and then what learners presented to DUO: each an exemption request of its own.
  for (const school of dataset.schools.filter((s) => s.closedOn))
    await auditor.request(
      'PATCH',
      `/schools/${(loaded.schools.get(school.kvkNumber) as { id: string }).id}`,
      {
        closedOn: school.closedOn,
      },
    );
  for (const { story, learnerBsn, paper } of dataset.presented) {
    const created = await duo.post<{
      id: string;
      status: string;
      presentedDeclarations: Pick<PresentedExemption, 'declarationId' | 'match'>[];
    }>('/exemptions', {
      learnerBsn,
      grounds: 'MEDICAL',
      presentedDeclarations: [paper],
    });
    const { schoolKvk, ...declaration } = paper;
    const [{ declarationId, match }] = created.presentedDeclarations;
    loaded.declarationIds.set(declarationKey(schoolKvk, { learnerBsn, ...declaration }), declarationId);
    loaded.presented.push({
      story,
      schoolKvk,
      exemptionId: created.id,
      declarationId,
      match,
      status: created.status,
    });
  }
  if (dataset.presented.length > 0) log(`${dataset.presented.length} presented declarations`);
  return loaded;
}

/** The admin, and the demo's auditor and DUO users (created by the admin when missing), signed in. */
export async function signInDemoUsers(
  baseUrl: string,
  admin: { email: string; password: string },
): Promise<{ admin: Api; auditor: Api; duo: Api }> {
  const adminApi = await Api.login(baseUrl, admin.email, admin.password);
  const [auditor, duo] = await Promise.all(
    (['AUDITOR', 'DUO'] as const).map(async (role) => {
      const user = role === 'AUDITOR' ? DEMO_USERS.auditor : DEMO_USERS.duo;
      await ensureUser(adminApi, { ...user, role });
      return Api.login(baseUrl, user.email, user.password);
    }),
  );
  return { admin: adminApi, auditor, duo };
}

async function ensureUser(
  admin: Api,
  user: { email: string; password: string; role: string; schoolId?: string },
): Promise<void> {
  try {
    await admin.post('/users', user);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error; // already there from an earlier load
  }
}

const lessonBody = (l: LessonSpec) => ({
  groupCode: l.groupCode,
  teacherReference: l.teacherReference,
  startsAt: l.startsAt,
  endsAt: l.endsAt,
  mode: l.mode,
  attendeeBsns: l.attendeeBsns,
});

export function lessonsCsv(school: SchoolSpec): string {
  const rows = ['group_code,teacher_reference,starts_at,ends_at,bsn,mode'];
  for (const l of school.lessons)
    if (!l.single)
      for (const bsn of l.attendeeBsns)
        rows.push(`${l.groupCode},${l.teacherReference},${l.startsAt},${l.endsAt},${bsn},${l.mode}`);
  return `${rows.join('\n')}\n`;
}

export function loanAccountsCsv(dataset: Pick<Dataset, 'loanAccounts'>): string {
  return `bsn,loan_limit_cents,term_ends_on,cohort_year,still_obliged\n${dataset.loanAccounts
    .map((a) => `${a.bsn},${a.loanLimitCents},${a.termEndsOn},${a.cohortYear},${a.stillObliged}`)
    .join('\n')}\n`;
}

export function paymentsCsv(dataset: Pick<Dataset, 'payments'>): string {
  return `bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on\n${dataset.payments
    .map(
      (p) => `${p.bsn},${p.schoolKvk},${p.contractReference},${p.invoiceNumber},${p.amountCents},${p.paidOn}`,
    )
    .join('\n')}\n`;
}

export function examResultsCsv(dataset: Pick<Dataset, 'examResults'>): string {
  return `bsn,exam_date,component,level\n${dataset.examResults
    .map((r) => `${r.bsn},${r.examDate},${r.component},${r.level}`)
    .join('\n')}\n`;
}

async function importLessons(api: Api, school: SchoolSpec): Promise<void> {
  await waitForImport(
    api,
    await api.postCsv<{ id: string }>('/lessons/imports', lessonsCsv(school)),
    `lessons of ${school.kvkNumber}`,
  );
}

interface ImportStatus {
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  errors: { line: number; message: string }[];
}

/** Waits for an import to finish; generated files are clean, so any rejected row is an error. */
export async function waitForImport(api: Api, accepted: { id: string }, what: string): Promise<void> {
  const result = await pollUntil(`the import of ${what}`, 120_000, async () => {
    const status = await api.get<ImportStatus>(`/imports/${accepted.id}`);
    return status.status === 'DONE' || status.status === 'FAILED' ? status : undefined;
  });
  if (result.status === 'FAILED' || result.rowsRejected > 0)
    throw new Error(
      `import of ${what} ended ${result.status} with ${result.rowsRejected} rejected rows: ${JSON.stringify(result.errors.slice(0, 5))}`,
    );
}

const count = (dataset: Dataset, of: (school: SchoolSpec) => number): number =>
  dataset.schools.reduce((sum, s) => sum + of(s), 0);

/** Starts a check run over everything and waits for it. */
export async function runChecks(
  api: Api,
  timeoutMs = 120_000,
): Promise<{ flagsRaised: number; flagsWithdrawn: number }> {
  const { id } = await api.post<{ id: string }>('/check-runs', {});
  const run = await pollUntil('the check run', timeoutMs, async () => {
    const status = await api.get<{ status: string; flagsRaised: number; flagsWithdrawn: number }>(
      `/check-runs/${id}`,
    );
    return status.status === 'DONE' || status.status === 'FAILED' ? status : undefined;
  });
  if (run.status === 'FAILED') throw new Error('the check run FAILED (see the worker log)');
  return run;
}
