import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_LOG_DIR } from './support/test-env';
import { importCsv, newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { declaration } from './support/review-fixtures';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
const CONTRACTS = 'bsn,school_kvk,contract_reference,start_date,end_date,hours,price_cents';

/** DUO's own contract records (POST /duo/imports?type=contracts, GET /duo/contracts) and "known at DUO" by overlap. */
describe('DUO contract records', () => {
  let t: TestApp;
  let duo: TestUser;
  let auditor: TestUser;
  let a: SchoolWithUser;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    [duo, auditor] = [await t.user('DUO'), await t.user('AUDITOR')];
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
  });
  afterAll(() => t.close());

  const contractsOf = (user: TestUser, query: Record<string, string>) =>
    t.http
      .get(`${API}/duo/contracts`)
      .query(query)
      .set(...bearer(user));

  it('stores good lines, reports each bad line without its BSN, and a re-import changes nothing', async () => {
    const [one, two, bad] = [validBsn(5001), validBsn(5002), validBsn(5003)];
    const csv = [
      CONTRACTS,
      `${one},${a.school.kvkNumber},DUO-1,2024-01-01,2024-06-30,300,450000`,
      `${two},99999999,DUO-2,2024-02-01,2024-12-31,600.5,900000`,
      `123456789,${a.school.kvkNumber},DUO-3,2024-01-01,2024-06-30,300,450000`,
      `${bad},1234,DUO-4,2024-01-01,2024-06-30,300,450000`,
      `${bad},${a.school.kvkNumber},DUO-5,2024-06-30,2024-01-01,300,450000`,
      `${bad},${a.school.kvkNumber},DUO-6,2024-01-01,2024-06-30,-3,450000`,
      `${bad},${a.school.kvkNumber},DUO-7,2024-01-01,2024-06-30,300,12.5`,
      `${bad},${a.school.kvkNumber},,2024-01-01,2024-06-30,300,450000`,
      `${bad},${a.school.kvkNumber},DUO-9,2024-13-01,2024-06-30,300,450000`,
    ].join('\n');
    const first = await importCsv(t, duo, '/duo/imports?type=contracts', csv);
    expect(first).toMatchObject({
      kind: 'CONTRACTS',
      status: 'DONE',
      rowsTotal: 9,
      rowsAccepted: 2,
      rowsRejected: 7,
    });
    expect(first.errors.map((e) => e.line)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    const messages = first.errors.map((e) => e.message);
    expect(messages[0]).toMatch(/bsn/);
    expect(messages[1]).toMatch(/school_kvk/);
    expect(messages[2]).toMatch(/end_date/);
    expect(messages[3]).toMatch(/hours/);
    expect(messages[4]).toMatch(/price_cents/);
    expect(messages[5]).toMatch(/contract_reference/);
    expect(messages[6]).toMatch(/start_date/);
    for (const message of messages) {
      for (const bsn of [one, two, bad, '123456789']) expect(message).not.toContain(bsn);
    }
    const again = await importCsv(t, duo, '/duo/imports?type=contracts', csv);
    expect(again).toMatchObject({ status: 'DONE', rowsAccepted: 2, rowsRejected: 7 });
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM duo_contracts`);
    expect(n).toBe(2);

    const listed = await contractsOf(duo, { schoolKvk: a.school.kvkNumber }).expect(200);
    expect(listed.body).toMatchObject({ total: 1, page: 1 });
    expect(listed.body.items[0]).toEqual({
      id: expect.any(String),
      learnerId: expect.any(String),
      schoolKvk: a.school.kvkNumber,
      contractReference: 'DUO-1',
      startDate: '2024-01-01',
      endDate: '2024-06-30',
      hours: 300,
      priceCents: 450000,
      importId: first.id,
    });
    const byLearner = await contractsOf(auditor, { learnerId: listed.body.items[0].learnerId }).expect(200);
    expect(byLearner.body.items.map((c: { contractReference: string }) => c.contractReference)).toEqual([
      'DUO-1',
    ]);
    expect((await contractsOf(auditor, {}).expect(200)).body.total).toBe(2);
    // The log lines of this test's app hold none of the BSNs either.
    const logs = readdirSync(TEST_LOG_DIR)
      .map((file) => readFileSync(join(TEST_LOG_DIR, file), 'utf8'))
      .join('\n');
    for (const bsn of [one, two, bad]) expect(logs).not.toContain(bsn);
  });

  it('lets only DUO import contracts, and DUO, AUDITOR and ADMIN list them (a school 403); filters are validated (400)', async () => {
    for (const user of [auditor, a.schoolUser]) {
      await t.http
        .post(`${API}/duo/imports?type=contracts`)
        .set(...bearer(user))
        .set('Content-Type', 'text/csv')
        .send(`${CONTRACTS}\n`)
        .expect(403);
    }
    await contractsOf(a.schoolUser, {}).expect(403);
    await contractsOf(await t.user('ADMIN'), {}).expect(200);
    const bad = await contractsOf(duo, { schoolKvk: '12', learnerId: 'x' }).expect(400);
    expect(bad.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual([
      'learnerId',
      'schoolKvk',
    ]);
  });

  it('knows a declaration at DUO when a DUO contract of the learner and school overlaps its period, not outside it', async () => {
    const bsn = validBsn(5010);
    const inside = await declaration(t, {
      schoolId: a.school.id,
      bsn,
      periodStart: '2024-03-01',
      periodEnd: '2024-03-31',
      issuedOn: '2024-04-01',
    });
    // Overlapping on its last day only.
    const edge = await declaration(t, {
      schoolId: a.school.id,
      bsn,
      periodStart: '2023-12-01',
      periodEnd: '2024-01-01',
      issuedOn: '2024-01-02',
    });
    const outside = await declaration(t, {
      schoolId: a.school.id,
      bsn,
      periodStart: '2024-07-01',
      periodEnd: '2024-08-31',
      issuedOn: '2024-09-01',
    });
    const other = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    const otherSchool = await declaration(t, {
      schoolId: other.school.id,
      bsn,
      periodStart: '2024-03-01',
      periodEnd: '2024-03-31',
      issuedOn: '2024-04-02',
    });
    await importCsv(
      t,
      duo,
      '/duo/imports?type=contracts',
      `${CONTRACTS}\n${bsn},${a.school.kvkNumber},DUO-10,2024-01-01,2024-06-30,300,450000\n`,
    );
    const created = await t.http
      .post(`${API}/exemptions`)
      .set(...bearer(duo))
      .send({ learnerBsn: bsn, grounds: 'MEDICAL', declarationIds: [inside, edge, outside, otherSchool] })
      .expect(201);
    const shown = await t.http
      .get(`${API}/exemptions/${created.body.id}`)
      .set(...bearer(duo))
      .expect(200);
    const known = Object.fromEntries(
      shown.body.declarations.map((d: { id: string; knownAtDuo: boolean }) => [d.id, d.knownAtDuo]),
    );
    expect(known).toEqual({ [inside]: true, [edge]: true, [outside]: false, [otherSchool]: false });
    // The report uses the same definition: received today, two of four without a contract at DUO.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
    const report = await t.http
      .get(`${API}/reports/declarations`)
      .query({ from: '2024-01-01', to: '2024-12-31', basis: 'issued' })
      .set(...bearer(duo))
      .expect(200);
    expect(report.body).toMatchObject({ submitted: 4, withoutDuoContract: 2 });
    const received = await t.http
      .get(`${API}/reports/declarations`)
      .query({ from: today, to: today })
      .set(...bearer(duo))
      .expect(200);
    expect(received.body).toMatchObject({ submitted: 4, withoutDuoContract: 2 });
    const none = await t.http
      .get(`${API}/reports/declarations`)
      .query({ from: '2025-01-01', to: '2025-12-31', basis: 'issued' })
      .set(...bearer(duo))
      .expect(200);
    expect(none.body).toMatchObject({ submitted: 0 });
    const badBasis = await t.http
      .get(`${API}/reports/declarations`)
      .query({ from: '2024-01-01', to: '2024-12-31', basis: 'paid' })
      .set(...bearer(duo))
      .expect(400);
    expect(badBasis.body.invalidParams[0].name).toBe('basis');
  });
});
