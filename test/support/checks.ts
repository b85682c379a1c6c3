/**
 * Helpers for the checks tests: wait for the background checks, read flags through the API, and
 * run a check run to its end. All waits poll with a bound; none sleeps a fixed time.
 */
import { PendingChecks } from '../../src/queue/pending-checks';
import { bearer, TestApp, TestUser } from './test-app';

const API = '/api/v1';

export interface FlagBody {
  id: string;
  rule: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH';
  status: 'OPEN' | 'IN_REVIEW' | 'CONFIRMED' | 'DISMISSED' | 'WITHDRAWN';
  schoolId: string | null;
  subjectType: string;
  subjectId: string;
  period?: { from: string; to: string };
  explanation: string;
  evidence: { records: { type: string; id: string; schoolId: string | null }[]; [key: string]: unknown };
}

/** Polls `probe` until it returns a value other than undefined, at most `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the pending_checks outbox is empty: the markers go in the same transaction as the flags. */
export async function checksSettled(t: TestApp): Promise<void> {
  await eventually(
    async () =>
      (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM pending_checks`))[0].n === 0
        ? true
        : undefined,
    'the pending checks',
  );
}

/** All flags the user may see, filtered (`rule`, `subjectId`, `status`, ...). */
export async function flags(
  t: TestApp,
  user: TestUser | string,
  query: Record<string, string> = {},
): Promise<FlagBody[]> {
  const response = await t.http
    .get(`${API}/flags`)
    .query({ pageSize: '500', ...query })
    .set(...bearer(user));
  if (response.status !== 200)
    throw new Error(`GET /flags answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.items as FlagBody[];
}

/** The flags of one rule on one subject, after the background checks settled. */
export async function flagsOn(
  t: TestApp,
  user: TestUser | string,
  rule: string,
  subjectId: string,
): Promise<FlagBody[]> {
  await checksSettled(t);
  return flags(t, user, { rule, subjectId });
}

/** The one flag of this rule on this subject: fails unless there is exactly one (one flag per rule and subject). */
export async function onlyFlagOn(
  t: TestApp,
  user: TestUser | string,
  rule: string,
  subjectId: string,
): Promise<FlagBody> {
  const found = await flagsOn(t, user, rule, subjectId);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Starts a check run and waits for it to end; returns its final body. */
export async function checkRun(
  t: TestApp,
  user: TestUser | string,
  body: { schoolId?: string } = {},
): Promise<Record<string, unknown>> {
  const started = await t.http
    .post(`${API}/check-runs`)
    .set(...bearer(user))
    .send(body);
  if (started.status !== 202)
    throw new Error(`POST /check-runs answered ${started.status}: ${JSON.stringify(started.body)}`);
  return waitForCheckRun(t, user, started.body.id as string);
}

export async function waitForCheckRun(
  t: TestApp,
  user: TestUser | string,
  id: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  return eventually(
    async () => {
      const response = await t.http.get(`${API}/check-runs/${id}`).set(...bearer(user));
      return ['DONE', 'FAILED'].includes(response.body.status)
        ? (response.body as Record<string, unknown>)
        : undefined;
    },
    `check run ${id}`,
    timeoutMs,
  );
}

/** A DUO payment row, inserted as a DUO import would store it (for rules that need DUO data). */
export async function duoPayment(
  t: TestApp,
  payment: {
    learnerId: string;
    schoolKvk: string;
    contractReference?: string;
    invoiceNumber: string;
    amountCents: number;
    paidOn: string;
  },
): Promise<string> {
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO duo_payments (learner_id, school_kvk, contract_reference, invoice_number, amount_cents, paid_on)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      payment.learnerId,
      payment.schoolKvk,
      payment.contractReference ?? 'C-DUO',
      payment.invoiceNumber,
      payment.amountCents,
      payment.paidOn,
    ],
  );
  await t.sql(`INSERT INTO pending_checks (scope_type, scope_id) VALUES ('LEARNER', $1)`, [
    payment.learnerId,
  ]);
  await t.app.get(PendingChecks).kick();
  return row.id;
}
