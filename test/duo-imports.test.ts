import { importCsv, newSchoolWithUser, postCsv, validBsn } from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
const LOANS = 'bsn,loan_limit_cents,term_ends_on,cohort_year,still_obliged';
const PAYMENTS = 'bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on';

/** DUO's own data: loan accounts and payments, imported as CSV. */
describe('DUO imports', () => {
  let t: TestApp;
  let duo: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    [duo, auditor] = [await t.user('DUO'), await t.user('AUDITOR')];
  });
  afterAll(() => t.close());

  it('stores loan accounts on the learners (creating learners by BSN), reports bad lines without their BSN, and a re-import changes nothing', async () => {
    const [known, fresh] = [validBsn(3001), validBsn(3002)];
    const csv = [
      LOANS,
      `${known},1000000,2027-06-30,2023,true`,
      `${fresh},950000,2026-01-31,2022,false`,
      `123456789,1000000,2027-06-30,2023,true`,
      `${validBsn(3003)},-5,2027-06-30,2023,true`,
      `${validBsn(3004)},1000000,30-06-2027,2023,true`,
      `${validBsn(3005)},1000000,2027-06-30,2023,maybe`,
    ].join('\n');
    const first = await importCsv(t, duo, '/duo/imports?type=loan-accounts', csv);
    expect(first).toMatchObject({
      kind: 'LOAN_ACCOUNTS',
      status: 'DONE',
      rowsTotal: 6,
      rowsAccepted: 2,
      rowsRejected: 4,
    });
    expect(first.errors.map((e) => e.line)).toEqual([4, 5, 6, 7]);
    expect(first.errors[1].message).toContain('loan_limit_cents');
    expect(JSON.stringify(first.errors)).not.toContain('123456789');

    const learner = await t.http
      .get(`${API}/learners`)
      .query({ bsn: fresh })
      .set(...bearer(duo))
      .expect(200);
    expect(learner.body.items).toEqual([
      expect.objectContaining({
        bsn: fresh,
        loanLimitCents: 950000,
        termEndsOn: '2026-01-31',
        cohortYear: 2022,
      }),
    ]);
    const [stored] = await t.sql(`SELECT still_obliged FROM learners WHERE id = $1`, [
      learner.body.items[0].id,
    ]);
    expect(stored).toEqual({ still_obliged: false });

    const snapshot = await t.sql(`SELECT * FROM learners ORDER BY id`);
    const again = await importCsv(t, duo, '/duo/imports?type=loan-accounts', csv);
    expect(again).toMatchObject({ status: 'DONE', rowsAccepted: 2, rowsRejected: 4 });
    expect(await t.sql(`SELECT * FROM learners ORDER BY id`)).toEqual(snapshot);
  });

  it('stores payments once however often they are imported, and lists them with their ids, filterable', async () => {
    const { school } = await newSchoolWithUser(t);
    const bsn = validBsn(3100);
    const csv = [
      PAYMENTS,
      `${bsn},${school.kvkNumber},C-1,F-1,120000,2024-02-01`,
      `${bsn},${school.kvkNumber},C-1,F-2,80000,2024-05-01`,
      `${bsn},1234567,C-1,F-3,100,2024-05-01`,
    ].join('\n');
    const first = await importCsv(t, duo, '/duo/imports?type=payments', csv);
    expect(first).toMatchObject({
      kind: 'PAYMENTS',
      status: 'DONE',
      rowsAccepted: 2,
      rowsRejected: 1,
      errors: [{ line: 4, message: 'school_kvk must be 8 digits' }],
    });
    await importCsv(t, duo, '/duo/imports?type=payments', csv);

    const all = await t.http
      .get(`${API}/duo/payments`)
      .query({ schoolKvk: school.kvkNumber })
      .set(...bearer(auditor))
      .expect(200);
    expect(all.body).toMatchObject({ total: 2, page: 1 });
    expect(all.body.items[0]).toEqual({
      id: expect.any(String),
      learnerId: expect.any(String),
      schoolKvk: school.kvkNumber,
      contractReference: 'C-1',
      invoiceNumber: 'F-1',
      amountCents: 120000,
      paidOn: '2024-02-01',
      importId: first.id,
    });
    const byInvoice = await t.http
      .get(`${API}/duo/payments`)
      .query({ invoiceNumber: 'F-2', learnerId: all.body.items[0].learnerId })
      .set(...bearer(duo))
      .expect(200);
    expect(byInvoice.body.items.map((p: { invoiceNumber: string }) => p.invoiceNumber)).toEqual(['F-2']);
    const page = await t.http
      .get(`${API}/duo/payments`)
      .query({ schoolKvk: school.kvkNumber, pageSize: 1, page: 2 })
      .set(...bearer(duo))
      .expect(200);
    expect(page.body).toMatchObject({ total: 2, pageSize: 1, items: [{ invoiceNumber: 'F-2' }] });
  });

  it('ends an import with a wrong header FAILED, storing nothing', async () => {
    const before = await t.sql(`SELECT count(*)::int AS n FROM duo_payments`);
    const result = await importCsv(
      t,
      duo,
      '/duo/imports?type=payments',
      `bsn,kvk,invoice\n${validBsn(3200)},12345678,F-9\n`,
    );
    expect(result.status).toBe('FAILED');
    expect(await t.sql(`SELECT count(*)::int AS n FROM duo_payments`)).toEqual(before);
  });

  it('lets only DUO import, refuses an unknown type (400), and keeps the payments from schools', async () => {
    const { school, schoolUser } = await newSchoolWithUser(t);
    const body = `${PAYMENTS}\n`;
    for (const user of [auditor, schoolUser]) {
      await t.http
        .post(`${API}/duo/imports?type=payments`)
        .set(...bearer(user))
        .set('Content-Type', 'text/csv')
        .send(body)
        .expect(403);
    }
    const unknown = await t.http
      .post(`${API}/duo/imports?type=invoices`)
      .set(...bearer(duo))
      .set('Content-Type', 'text/csv')
      .send(body)
      .expect(400);
    expect(unknown.body.invalidParams[0].name).toBe('type');
    await expect(postCsv(t, duo, '/duo/imports', body)).rejects.toThrow('400');
    await t.http
      .get(`${API}/duo/payments`)
      .query({ schoolKvk: school.kvkNumber })
      .set(...bearer(schoolUser))
      .expect(403);
    await t.http
      .get(`${API}/duo/payments`)
      .query({ schoolKvk: 'abc' })
      .set(...bearer(duo))
      .expect(400);
  });
});
