import { newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { bearer, TestApp } from './support/test-app';

/** Guarantees that must hold when a client (or twenty) sends the same thing at once: real parallel HTTP requests. */
describe('Concurrent submissions', () => {
  let t: TestApp;
  let a: SchoolWithUser;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t);
  });
  afterAll(() => t.close());

  const declaration = (learnerBsn: string) => ({
    learnerBsn,
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-30',
    hours: 100,
    issuedOn: '2024-07-01',
  });
  const parallel = <T>(n: number, send: () => Promise<T>): Promise<T[]> =>
    Promise.all(Array.from({ length: n }, send));

  it('gives 20 parallel declarations with one Idempotency-Key the first response and stores one', async () => {
    const body = declaration(validBsn(9101));
    const responses = await parallel(20, () =>
      t.http
        .post('/api/v1/hours-declarations')
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', 'parallel-declaration')
        .send(body)
        .then((r) => r),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const rows = await t.sql(`SELECT id FROM hours_declarations`);
    expect(rows).toHaveLength(1);
  });

  it('gives 20 parallel teachers with one Idempotency-Key 20 x 201 with one id (not 409s)', async () => {
    const body = { name: 'Parallel', reference: 'T-PAR', nt2Certified: true, certifiedSince: '2020-01-01' };
    const responses = await parallel(20, () =>
      t.http
        .post('/api/v1/teachers')
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', 'parallel-teacher')
        .send(body)
        .then((r) => r),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
  });

  it('refuses a parallel request with the same key and another body with 422, and lets the first win', async () => {
    const send = (hours: number) =>
      t.http
        .post('/api/v1/hours-declarations')
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', 'parallel-mixed')
        .send({ ...declaration(validBsn(9102)), hours })
        .then((r) => r);
    const responses = await Promise.all([send(10), send(10), send(11), send(11)]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 422, 422]);
  });

  it('creates a learner once when 20 parallel submissions name a BSN the portal has not seen', async () => {
    const bsn = validBsn(9200);
    const responses = await parallel(20, () =>
      t.http
        .post('/api/v1/hours-declarations')
        .set(...bearer(a.schoolUser))
        .send(declaration(bsn))
        .then((r) => r),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.learnerId)).size).toBe(1);
    const [{ n }] = await t.sql<{ n: string }>(
      `SELECT count(DISTINCT learner_id) AS n FROM hours_declarations WHERE id = ANY($1::uuid[])`,
      [responses.map((r) => r.body.id)],
    );
    expect(Number(n)).toBe(1);
  });
});
