import { newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { declaration, duoPayment } from './support/review-fixtures';
import { bearer, TestApp } from './support/test-app';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let a: SchoolWithUser;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t);
  });
  afterAll(() => t.close());

  const upload = (csv: string, key: string) =>
    t.http
      .post('/api/v1/lessons/imports')
      .set(...bearer(a.schoolUser))
      .set('Content-Type', 'text/csv')
      .set('Idempotency-Key', key)
      .send(csv);
  const header = 'group_code,teacher_reference,starts_at,ends_at,bsn\n';

  it('replays a CSV upload with the same key and file, and refuses the key with another file', async () => {
    const file = `${header}G1,T1,2024-03-04T09:00:00+01:00,2024-03-04T12:00:00+01:00,111222333\n`;
    const first = await upload(file, 'upload-1').expect(202);
    const again = await upload(file, 'upload-1').expect(202);
    expect(again.body.id).toBe(first.body.id);
    const other = await upload(file.replace('111222333', '123456782'), 'upload-1').expect(422);
    expect(other.body.invalidParams[0].name).toBe('Idempotency-Key');
    const [{ n }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM imports`);
    expect(Number(n)).toBe(1);
  });

  it('keeps keys per user: another user with the same key gets its own record', async () => {
    const b = await newSchoolWithUser(t);
    const body = { code: 'K1', route: 'B1' };
    const mine = await t.http
      .post('/api/v1/groups')
      .set(...bearer(a.schoolUser))
      .set('Idempotency-Key', 'same-key')
      .send(body)
      .expect(201);
    const theirs = await t.http
      .post('/api/v1/groups')
      .set(...bearer(b.schoolUser))
      .set('Idempotency-Key', 'same-key')
      .send(body)
      .expect(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('does not keep a refused request: the same key may be retried once the request is right', async () => {
    await t.http
      .post('/api/v1/groups')
      .set(...bearer(a.schoolUser))
      .set('Idempotency-Key', 'retry-key')
      .send({ code: 'K2', route: 'NOPE' })
      .expect(400);
    await t.http
      .post('/api/v1/groups')
      .set(...bearer(a.schoolUser))
      .set('Idempotency-Key', 'retry-key')
      .send({ code: 'K2', route: 'Z' })
      .expect(201);
  });

  it('refuses an empty or overlong key naming the header', async () => {
    const long = await t.http
      .post('/api/v1/groups')
      .set(...bearer(a.schoolUser))
      .set('Idempotency-Key', 'k'.repeat(201))
      .send({ code: 'K3', route: 'Z' })
      .expect(400);
    expect(long.body.invalidParams[0].name).toBe('Idempotency-Key');
  });

  it('stores no BSN of a kept response in clear, and replays it with the BSN', async () => {
    const duo = await t.user('DUO');
    const bsn = validBsn(7701);
    const declarationId = await declaration(t, { schoolId: a.school.id, bsn });
    await duoPayment(t, { bsn, schoolKvk: a.school.kvkNumber });
    const created = await t.http
      .post('/api/v1/exemptions')
      .set(...bearer(duo))
      .send({ learnerBsn: bsn, grounds: 'MEDICAL', declarationIds: [declarationId] })
      .expect(201);
    const act = () =>
      t.http
        .post(`/api/v1/exemptions/${created.body.id}/actions`)
        .set(...bearer(duo))
        .set('Idempotency-Key', 'duo-action')
        .send({ action: 'REQUEST_LEARNER_EVIDENCE' })
        .expect(200);
    const first = await act();
    expect(first.body.bsn).toBe(bsn);
    const [stored] = await t.sql<{ body: string }>(
      `SELECT response_body::text AS body FROM idempotency_keys WHERE key = 'duo-action'`,
    );
    expect(stored.body).not.toContain(bsn);
    const replay = await act();
    expect(replay.body).toEqual(first.body);
  });
});
