/**
 * Small typed factories for what a school submits, posted through the real API (so every record
 * passes the same validation, audit and pending-check marking as a client's). Each returns the
 * response body. Defaults are unique per call within a test file; override what the test is about.
 */
import type { CreateContractDto, ContractResponse } from '../../src/contracts/contracts.dto';
import type { CreateGroupDto, GroupResponse } from '../../src/groups/groups.dto';
import type { Route } from '../../src/common/vocabulary';
import type {
  CreateHoursDeclarationDto,
  HoursDeclarationResponse,
} from '../../src/hours-declarations/hours-declarations.dto';
import type { ImportResponse } from '../../src/imports/imports.dto';
import type { CreateInvoiceDto, InvoiceResponse } from '../../src/invoices/invoices.dto';
import type { LessonMode } from '../../src/lessons/lesson.entity';
import type { CreateLessonDto, LessonResponse } from '../../src/lessons/lessons.dto';
import type { LearnerRef } from '../../src/submissions/submissions.dto';
import type { CreateTeacherDto, TeacherResponse } from '../../src/teachers/teachers.dto';
import { bearer, TestApp, TestUser } from './test-app';

/** A response type as it arrives over HTTP: instants as ISO strings. */
export type Json<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

const API = '/api/v1';
let counter = 0;
const next = (): number => ++counter;

export { validBsn } from '../../scripts/lib/bsn-series';

export interface SchoolWithUser {
  school: { id: string; kvkNumber: string };
  schoolUser: TestUser;
}

/** A school (keurmerk granted from `grantedFrom` when given) and a logged-in SCHOOL user of it. */
export async function newSchoolWithUser(
  t: TestApp,
  options: { grantedFrom?: string; name?: string; kvkNumber?: string } = {},
): Promise<SchoolWithUser> {
  const school = await t.school(options);
  return { school, schoolUser: await t.user('SCHOOL', school.id) };
}

async function post<T>(t: TestApp, user: TestUser, path: string, body: object): Promise<T> {
  const response = await t.http
    .post(`${API}${path}`)
    .set(...bearer(user))
    .send(body);
  if (response.status !== 201)
    throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as T;
}

export type TeacherBody = Json<TeacherResponse>;

export function newTeacher(
  t: TestApp,
  user: TestUser,
  overrides: Partial<CreateTeacherDto> = {},
): Promise<TeacherBody> {
  const n = next();
  return post(t, user, '/teachers', {
    name: `Teacher ${n}`,
    reference: `T-${n}`,
    nt2Certified: true,
    certifiedSince: '2020-01-01',
    ...overrides,
  });
}

export type GroupBody = Json<GroupResponse>;

export function newGroup(
  t: TestApp,
  user: TestUser,
  overrides: Partial<CreateGroupDto> = {},
): Promise<GroupBody> {
  return post(t, user, '/groups', { code: `G-${next()}`, route: 'B1', ...overrides });
}

export type AttendeeBody = LearnerRef;

export type LessonBody = Json<LessonResponse>;

export function newLesson(t: TestApp, user: TestUser, lesson: CreateLessonDto): Promise<LessonBody> {
  return post(t, user, '/lessons', lesson);
}

export type ContractBody = Json<ContractResponse>;

export function newContract(
  t: TestApp,
  user: TestUser,
  contract: Pick<CreateContractDto, 'learnerBsn'> & Partial<CreateContractDto>,
): Promise<ContractBody> {
  return post(t, user, '/contracts', {
    reference: `C-${next()}`,
    startDate: '2024-01-01',
    endDate: '2024-12-31',
    hours: 600,
    priceCents: 900_000,
    funding: 'DUO_LOAN',
    ...contract,
  });
}

export type InvoiceBody = Json<InvoiceResponse>;

export function newInvoice(
  t: TestApp,
  user: TestUser,
  invoice: Pick<CreateInvoiceDto, 'contractReference'> & Partial<CreateInvoiceDto>,
): Promise<InvoiceBody> {
  return post(t, user, '/invoices', {
    invoiceNumber: `F-${next()}`,
    invoiceDate: '2024-04-01',
    periodStart: '2024-01-01',
    periodEnd: '2024-03-31',
    hours: 100,
    amountCents: 150_000,
    ...invoice,
  });
}

export type DeclarationBody = Json<HoursDeclarationResponse>;

export function newDeclaration(
  t: TestApp,
  user: TestUser,
  declaration: Pick<CreateHoursDeclarationDto, 'learnerBsn'> & Partial<CreateHoursDeclarationDto>,
): Promise<DeclarationBody> {
  return post(t, user, '/hours-declarations', {
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-30',
    hours: 100,
    issuedOn: '2024-07-01',
    ...declaration,
  });
}

/**
 * A learner who attended two 3-hour lessons in January 2024 at the user's school, and its declaration of
 * `declaredHours` for that month; with a contract with the school when asked.
 */
export async function attendedAndDeclared(
  t: TestApp,
  user: TestUser,
  bsn: string,
  options: { withContract: boolean; declaredHours: number },
): Promise<{ bsn: string; declarationId: string }> {
  if (options.withContract) await newContract(t, user, { learnerBsn: bsn });
  const groupCode = (await newGroup(t, user)).code;
  const teacherReference = (await newTeacher(t, user)).reference;
  for (const day of ['2024-01-08', '2024-01-15']) {
    await newLesson(t, user, {
      groupCode,
      teacherReference,
      startsAt: `${day}T09:00:00+01:00`,
      endsAt: `${day}T12:00:00+01:00`,
      attendeeBsns: [bsn],
    });
  }
  const declaration = await newDeclaration(t, user, {
    learnerBsn: bsn,
    periodStart: '2024-01-01',
    periodEnd: '2024-01-31',
    hours: options.declaredHours,
    issuedOn: '2024-02-01',
  });
  return { bsn, declarationId: declaration.id };
}

export type ImportBody = Json<ImportResponse>;

/** Posts a CSV body (text/csv) to an import endpoint; returns the 202 body `{id}`. */
export async function postCsv(
  t: TestApp,
  user: TestUser | string,
  path: string,
  csv: string,
): Promise<{ id: string }> {
  const response = await t.http
    .post(`${API}${path}`)
    .set(...bearer(user))
    .set('Content-Type', 'text/csv')
    .send(csv);
  if (response.status !== 202)
    throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { id: string };
}

/** Polls `GET /imports/{id}` until DONE or FAILED (needs TestApp.start({ worker: true })). */
export async function waitForImport(
  t: TestApp,
  user: TestUser | string,
  id: string,
  timeoutMs = 30_000,
): Promise<ImportBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await t.http.get(`${API}/imports/${id}`).set(...bearer(user));
    if (response.status !== 200) throw new Error(`GET /imports/${id} answered ${response.status}`);
    const body = response.body as ImportBody;
    if (body.status === 'DONE' || body.status === 'FAILED') return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status} after ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Imports a CSV through the endpoint and waits for the worker to finish it. */
export async function importCsv(
  t: TestApp,
  user: TestUser | string,
  path: string,
  csv: string,
): Promise<ImportBody> {
  const { id } = await postCsv(t, user, path, csv);
  return waitForImport(t, user, id);
}

export type { LessonMode, Route };
