import { bearer, TestApp, TestUser } from './support/test-app';

describe('the audit trail', () => {
  let t: TestApp;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    auditor = await t.user('AUDITOR');
  });
  afterAll(() => t.close());

  it('records who created a school, a keurmerk event and a measure, with the record after the change', async () => {
    const school = await t.http
      .post('/api/v1/schools')
      .set(...bearer(auditor))
      .send({ name: 'Audited', kvkNumber: '87654321' })
      .expect(201);
    const event = await t.http
      .post(`/api/v1/schools/${school.body.id}/keurmerk-events`)
      .set(...bearer(auditor))
      .send({ status: 'WITHDRAWN', effectiveFrom: '2024-05-01', reason: 'intrekking na onderzoek' })
      .expect(201);
    const measure = await t.http
      .post(`/api/v1/schools/${school.body.id}/measures`)
      .set(...bearer(auditor))
      .send({ kind: 'TEACHERS_IN_TRAINING', validFrom: '2023-01-01', validTo: '2024-12-31' })
      .expect(201);

    const trail = async (subjectType: string, subjectId: string) =>
      (
        await t.http
          .get(`/api/v1/audit-events?subjectType=${subjectType}&subjectId=${subjectId}`)
          .set(...bearer(auditor))
          .expect(200)
      ).body;

    const schoolTrail = await trail('SCHOOL', school.body.id);
    expect(schoolTrail.items).toEqual([
      expect.objectContaining({
        action: 'CREATE',
        actorId: auditor.id,
        actorRole: 'AUDITOR',
        subjectType: 'SCHOOL',
        before: null,
        after: expect.objectContaining({ kvkNumber: '87654321' }),
      }),
    ]);
    expect((await trail('KEURMERK_EVENT', event.body.id)).items[0]).toMatchObject({
      actorId: auditor.id,
      after: { status: 'WITHDRAWN', reason: 'intrekking na onderzoek' },
    });
    expect((await trail('MEASURE', measure.body.id)).items[0]).toMatchObject({
      actorId: auditor.id,
      after: { kind: 'TEACHERS_IN_TRAINING' },
    });

    const byActor = await t.http
      .get(`/api/v1/audit-events?actorId=${auditor.id}`)
      .set(...bearer(auditor))
      .expect(200);
    expect(byActor.body.total).toBe(3);
  });

  it('records the users the admin creates and the bootstrap admin itself', async () => {
    const admin = await t.adminToken();
    const all = await t.http
      .get('/api/v1/audit-events?subjectType=USER&pageSize=500')
      .set(...bearer(admin))
      .expect(200);
    const actions = all.body.items.map((e: { action: string }) => e.action);
    expect(actions).toContain('BOOTSTRAP_ADMIN');
    expect(actions).toContain('CREATE');
    expect(JSON.stringify(all.body)).not.toMatch(/password/i);
  });

  it('filters by time and refuses a malformed filter', async () => {
    const future = await t.http
      .get('/api/v1/audit-events?from=2999-01-01T00:00:00Z')
      .set(...bearer(auditor))
      .expect(200);
    expect(future.body.total).toBe(0);
    const bad = await t.http
      .get('/api/v1/audit-events?from=yesterday&subjectType=NOPE')
      .set(...bearer(auditor))
      .expect(400);
    expect(bad.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual([
      'from',
      'subjectType',
    ]);
  });

  it('includes an event in a period that ends at its own instant', async () => {
    const [latest] = (
      await t.http
        .get('/api/v1/audit-events?pageSize=1')
        .set(...bearer(auditor))
        .expect(200)
    ).body.items;
    const at = new Date(latest.at).toISOString();
    const bounded = await t.http
      .get(`/api/v1/audit-events?from=${at}&to=${at}`)
      .set(...bearer(auditor))
      .expect(200);
    expect(bounded.body.items.map((e: { id: number }) => e.id)).toContain(latest.id);
  });

  it('writes nothing to the trail for a refused request', async () => {
    const before = (await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_events'))[0].n;
    await t.http
      .post('/api/v1/schools')
      .set(...bearer(auditor))
      .send({ name: 'Dup', kvkNumber: '87654321' })
      .expect(409);
    expect((await t.sql<{ n: string }>('SELECT count(*) AS n FROM audit_events'))[0].n).toBe(before);
  });

  it.each([
    ['UPDATE', `UPDATE audit_events SET action = 'TAMPERED'`],
    ['DELETE', 'DELETE FROM audit_events'],
    ['TRUNCATE', 'TRUNCATE audit_events'],
  ])('refuses %s even on a superuser connection', async (_op, statement) => {
    await expect(t.sql(statement)).rejects.toThrow(/append-only/);
    await expect(t.sql(`SET session_replication_role = replica; ${statement}`)).rejects.toThrow(
      /append-only/,
    );
    await t.sql('SET session_replication_role = origin');
    const [{ n }] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM audit_events WHERE action = 'TAMPERED'`,
    );
    expect(Number(n)).toBe(0);
  });
});
