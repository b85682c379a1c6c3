import { bearer, TestApp, TestUser } from './support/test-app';

describe('schools and the keurmerk', () => {
  let t: TestApp;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    auditor = await t.user('AUDITOR');
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, user: TestUser = auditor) =>
    t.http
      .post(`/api/v1${path}`)
      .set(...bearer(user))
      .send(body);
  const get = (path: string, user: TestUser = auditor) => t.http.get(`/api/v1${path}`).set(...bearer(user));
  const count = async (table: string) =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  it('creates a school with keurmerk status NONE and reads it back', async () => {
    const created = await post('/schools', {
      name: 'Taalschool De Brug',
      kvkNumber: '12345678',
      bowNumber: 'BOW-1',
    }).expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Taalschool De Brug',
      kvkNumber: '12345678',
      keurmerkStatus: 'NONE',
    });
    const read = await get(`/schools/${created.body.id}`).expect(200);
    expect(read.body).toEqual(created.body);
  });

  it('refuses a duplicate kvkNumber with 409 naming the field, storing nothing', async () => {
    await post('/schools', { name: 'First', kvkNumber: '22222222' }).expect(201);
    const before = await count('schools');
    const duplicate = await post('/schools', { name: 'Second', kvkNumber: '22222222' }).expect(409);
    expect(duplicate.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(duplicate.body).toMatchObject({ status: 409, invalidParams: [{ name: 'kvkNumber' }] });
    expect(await count('schools')).toBe(before);
  });

  it.each([
    ['a kvkNumber of 7 digits', { name: 'X', kvkNumber: '1234567' }, ['kvkNumber']],
    ['a missing name', { kvkNumber: '12345670' }, ['name']],
    ['an unknown extra field', { name: 'X', kvkNumber: '12345671', owner: 'me' }, ['owner']],
    ['a name of the wrong type and no kvk', { name: 42 }, ['name', 'kvkNumber']],
  ])('refuses %s with 400 naming each field, storing nothing', async (_what, body, fields) => {
    const before = await count('schools');
    const response = await post('/schools', body).expect(400);
    expect(response.body).toMatchObject({
      type: expect.any(String),
      title: 'Bad Request',
      status: 400,
      detail: expect.any(String),
    });
    expect(response.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(
      [...fields].sort(),
    );
    expect(await count('schools')).toBe(before);
  });

  it('answers 400 problem+json for malformed JSON and 413 for a body over 1 MB', async () => {
    const malformed = await t.http
      .post('/api/v1/schools')
      .set(...bearer(auditor))
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
    const huge = await post('/schools', { name: 'x'.repeat(1_100_000), kvkNumber: '33333333' }).expect(413);
    expect(huge.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('refuses a body that is not JSON with 415 problem+json, storing nothing', async () => {
    const before = await count('schools');
    const response = await t.http
      .post('/api/v1/schools')
      .set(...bearer(auditor))
      .set('Content-Type', 'text/plain')
      .send('name=X')
      .expect(415);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const run = await t.http
      .post('/api/v1/check-runs')
      .set(...bearer(auditor))
      .set('Content-Type', 'text/plain')
      .send('all')
      .expect(415);
    expect(run.body.status).toBe(415);
    expect(await count('schools')).toBe(before);
    expect(await count('check_runs')).toBe(0);
  });

  it('answers 404 problem+json for a school that does not exist and 400 for an id that is no uuid', async () => {
    const missing = await get('/schools/6f1c1f7e-4a0e-4a53-9a51-000000000000').expect(404);
    expect(missing.body).toMatchObject({ status: 404 });
    const malformed = await get('/schools/not-a-uuid').expect(400);
    expect(malformed.body.invalidParams[0].name).toBe('id');
  });

  it('lets a SCHOOL user see its own school only: 404 for another, lists hold only its own', async () => {
    const own = await t.school();
    const other = await t.school();
    const schoolUser = await t.user('SCHOOL', own.id);
    await get(`/schools/${own.id}`, schoolUser).expect(200);
    const hidden = await get(`/schools/${other.id}`, schoolUser).expect(404);
    expect(JSON.stringify(hidden.body)).not.toContain(other.kvkNumber);
    await get(`/schools/${other.id}/keurmerk-events`, schoolUser).expect(404);
    await get(`/schools/${other.id}/measures`, schoolUser).expect(404);
    const list = await get('/schools', schoolUser).expect(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 50, total: 1 });
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([own.id]);
  });

  it('paginates schools and refuses a pageSize over 500', async () => {
    const page = await get('/schools?page=2&pageSize=1').expect(200);
    expect(page.body).toMatchObject({ page: 2, pageSize: 1, items: [expect.any(Object)] });
    expect(page.body.total).toBeGreaterThan(2);
    const tooBig = await get('/schools?pageSize=501').expect(400);
    expect(tooBig.body.invalidParams[0].name).toBe('pageSize');
    await get('/schools?unknown=1').expect(400);
  });

  it('records keurmerk events and returns the history oldest first', async () => {
    const school = await t.school();
    const events = [
      { status: 'GRANTED', effectiveFrom: '2023-03-01', reason: 'audit passed' },
      { status: 'ASPIRANT', effectiveFrom: '2022-01-01', reason: 'new holder' },
      { status: 'SUSPENDED', effectiveFrom: '2024-02-01', reason: 'lessons declared but not given' },
    ];
    for (const event of events) await post(`/schools/${school.id}/keurmerk-events`, event).expect(201);
    const history = await get(`/schools/${school.id}/keurmerk-events`).expect(200);
    expect(history.body.map((e: { status: string }) => e.status)).toEqual([
      'ASPIRANT',
      'GRANTED',
      'SUSPENDED',
    ]);
    expect((await get(`/schools/${school.id}`)).body.keurmerkStatus).toBe('SUSPENDED');
  });

  it('records the grounds of a suspension or withdrawal, null when not given', async () => {
    const school = await t.school();
    const withdrawn = await post(`/schools/${school.id}/keurmerk-events`, {
      status: 'WITHDRAWN',
      effectiveFrom: '2023-02-01',
      reason: 'quality below the norm',
      grounds: 'QUALITY',
    }).expect(201);
    expect(withdrawn.body).toMatchObject({ status: 'WITHDRAWN', grounds: 'QUALITY' });
    const suspended = await post(`/schools/${school.id}/keurmerk-events`, {
      status: 'SUSPENDED',
      effectiveFrom: '2023-01-01',
      reason: 'under investigation',
    }).expect(201);
    expect(suspended.body.grounds).toBeNull();
    const history = await get(`/schools/${school.id}/keurmerk-events`).expect(200);
    expect(history.body.map((e: { grounds: string | null }) => e.grounds)).toEqual([null, 'QUALITY']);
    const audited = await get(`/audit-events?subjectType=KEURMERK_EVENT&subjectId=${withdrawn.body.id}`);
    expect(audited.body.items[0].after).toMatchObject({ grounds: 'QUALITY' });
  });

  it('refuses grounds outside the enum (400) and grounds on a GRANTED event (422), storing nothing', async () => {
    const school = await t.school();
    const before = await count('keurmerk_events');
    const unknown = await post(`/schools/${school.id}/keurmerk-events`, {
      status: 'WITHDRAWN',
      effectiveFrom: '2023-02-01',
      reason: 'x',
      grounds: 'LAZINESS',
    }).expect(400);
    expect(unknown.body.invalidParams).toEqual([{ name: 'grounds', reason: expect.any(String) }]);
    const onGrant = await post(`/schools/${school.id}/keurmerk-events`, {
      status: 'GRANTED',
      effectiveFrom: '2023-02-01',
      reason: 'x',
      grounds: 'FRAUD',
    }).expect(422);
    expect(onGrant.body.invalidParams[0].name).toBe('grounds');
    expect(await count('keurmerk_events')).toBe(before);
  });

  it('refuses keurmerk events with an unknown status or an impossible date, storing nothing', async () => {
    const school = await t.school();
    const before = await count('keurmerk_events');
    const bad = await post(`/schools/${school.id}/keurmerk-events`, {
      status: 'REVOKED',
      effectiveFrom: '2024-02-30',
      reason: '',
    }).expect(400);
    expect(bad.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual([
      'effectiveFrom',
      'reason',
      'status',
    ]);
    const yearZero = await post(`/schools/${school.id}/keurmerk-events`, {
      status: 'GRANTED',
      effectiveFrom: '0000-01-01',
      reason: 'x',
    }).expect(400);
    expect(yearZero.body.invalidParams).toEqual([{ name: 'effectiveFrom', reason: expect.any(String) }]);
    await post('/schools/6f1c1f7e-4a0e-4a53-9a51-000000000000/keurmerk-events', {
      status: 'GRANTED',
      effectiveFrom: '2024-01-01',
      reason: 'x',
    }).expect(404);
    expect(await count('keurmerk_events')).toBe(before);
  });

  describe('validity of the keurmerk on a day (keurmerk_valid_on, used by every check)', () => {
    let schoolId: string;
    const validOn = async (day: string) =>
      (await t.sql<{ valid: boolean }>('SELECT keurmerk_valid_on($1, $2) AS valid', [schoolId, day]))[0]
        .valid;
    const statusOn = async (day: string) =>
      (await t.sql<{ status: string }>('SELECT keurmerk_status_on($1, $2) AS status', [schoolId, day]))[0]
        .status;

    beforeAll(async () => {
      schoolId = (await t.school()).id;
      for (const event of [
        { status: 'ASPIRANT', effectiveFrom: '2022-01-10', reason: 'aspirant' },
        { status: 'GRANTED', effectiveFrom: '2022-07-01', reason: 'granted' },
        { status: 'SUSPENDED', effectiveFrom: '2023-05-01', reason: 'schorsing' },
        { status: 'GRANTED', effectiveFrom: '2023-06-15', reason: 'reinstated' },
        { status: 'WITHDRAWN', effectiveFrom: '2024-03-01', reason: 'intrekking' },
      ]) {
        await post(`/schools/${schoolId}/keurmerk-events`, event).expect(201);
      }
    });

    it.each([
      ['2022-01-09', 'NONE', false],
      ['2022-01-10', 'ASPIRANT', true],
      ['2022-06-30', 'ASPIRANT', true],
      ['2022-07-01', 'GRANTED', true],
      ['2023-04-30', 'GRANTED', true],
      ['2023-05-01', 'SUSPENDED', false],
      ['2023-06-14', 'SUSPENDED', false],
      ['2023-06-15', 'GRANTED', true],
      ['2024-02-29', 'GRANTED', true],
      ['2024-03-01', 'WITHDRAWN', false],
      ['2030-01-01', 'WITHDRAWN', false],
    ])('on %s the status is %s and valid is %s', async (day, status, valid) => {
      expect(await statusOn(day)).toBe(status);
      expect(await validOn(day)).toBe(valid);
    });

    it('lists the invalid stretches of a period', async () => {
      const ranges = await t.sql<{ status: string; from_date: string; to_date: string }>(
        `SELECT status, to_char(from_date, 'YYYY-MM-DD') AS from_date, to_char(to_date, 'YYYY-MM-DD') AS to_date
         FROM keurmerk_invalid_ranges($1, '2022-01-01', '2024-03-10')`,
        [schoolId],
      );
      expect(ranges).toEqual([
        { status: 'NONE', from_date: '2022-01-01', to_date: '2022-01-09' },
        { status: 'SUSPENDED', from_date: '2023-05-01', to_date: '2023-06-14' },
        { status: 'WITHDRAWN', from_date: '2024-03-01', to_date: '2024-03-10' },
      ]);
    });

    it('lets the later of two events on the same day decide', async () => {
      const sameDay = (await t.school()).id;
      await post(`/schools/${sameDay}/keurmerk-events`, {
        status: 'GRANTED',
        effectiveFrom: '2024-01-01',
        reason: 'granted',
      }).expect(201);
      await post(`/schools/${sameDay}/keurmerk-events`, {
        status: 'SUSPENDED',
        effectiveFrom: '2024-01-01',
        reason: 'corrected',
      }).expect(201);
      const [{ valid }] = await t.sql<{ valid: boolean }>(
        `SELECT keurmerk_valid_on($1, '2024-01-01') AS valid`,
        [sameDay],
      );
      expect(valid).toBe(false);
      const ranges = await t.sql(`SELECT * FROM keurmerk_invalid_ranges($1, '2024-01-01', '2024-01-31')`, [
        sameDay,
      ]);
      expect(ranges).toHaveLength(1);
    });
  });

  it('records temporary measures and refuses one that ends before it starts', async () => {
    const school = await t.school();
    const created = await post(`/schools/${school.id}/measures`, {
      kind: 'GROUP_SIZE_LENIENCY',
      validFrom: '2023-01-01',
      validTo: '2024-12-31',
      note: 'plan filed',
    }).expect(201);
    expect(created.body).toMatchObject({
      kind: 'GROUP_SIZE_LENIENCY',
      validFrom: '2023-01-01',
      validTo: '2024-12-31',
    });
    const before = await count('measures');
    const reversed = await post(`/schools/${school.id}/measures`, {
      kind: 'DEFERRED_ENFORCEMENT',
      validFrom: '2024-01-01',
      validTo: '2023-01-01',
    }).expect(422);
    expect(reversed.body.invalidParams[0].name).toBe('validTo');
    await post(`/schools/${school.id}/measures`, {
      kind: 'SOMETHING',
      validFrom: '2024-01-01',
      validTo: '2024-02-01',
    }).expect(400);
    expect(await count('measures')).toBe(before);
    const list = await get(`/schools/${school.id}/measures`).expect(200);
    expect(list.body).toHaveLength(1);
  });

  it('replays a POST with the same Idempotency-Key and refuses the key with another body', async () => {
    const first = await post('/schools', { name: 'Idem', kvkNumber: '44444444' })
      .set('Idempotency-Key', 'school-44444444')
      .expect(201);
    const again = await post('/schools', { name: 'Idem', kvkNumber: '44444444' })
      .set('Idempotency-Key', 'school-44444444')
      .expect(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await post('/schools', { name: 'Other', kvkNumber: '55555555' })
      .set('Idempotency-Key', 'school-44444444')
      .expect(422);
    expect(other.body.invalidParams[0].name).toBe('Idempotency-Key');
    const [{ n }] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM schools WHERE kvk_number IN ('44444444', '55555555')`,
    );
    expect(Number(n)).toBe(1);
  });
});
