import {
  attendedAndDeclared,
  importCsv,
  newSchoolWithUser,
  SchoolWithUser,
  validBsn,
} from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

/**
 * The three paths of the exemption workflow on real submissions: the school's declarations go through
 * the submissions API, the worker's checks raise the flags, and the exemption reads them.
 */
describe('exemption workflow on checked submissions', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let duo: TestUser;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    duo = await t.user('DUO');
  });
  afterAll(() => t.close());

  /** A learner who attended 6 hours in January 2024, with a declaration of those 6 hours; a contract with the school when asked. */
  const declared = (n: number, withContract: boolean) =>
    attendedAndDeclared(t, a.schoolUser, validBsn(900 + n), { withContract, declaredHours: 6 });

  /** The checks run in the worker: wait until the declaration's flag for having no contract at DUO exists (in `status`). */
  async function flagOn(
    declarationId: string,
    status?: string,
  ): Promise<{ rule: string; severity: string; status: string }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await t.http
        .get(`${API}/flags`)
        .query({
          subjectId: declarationId,
          rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
          ...(status ? { status } : {}),
        })
        .set(...bearer(duo))
        .expect(200);
      if (response.body.items.length > 0) {
        expect(response.body.items).toHaveLength(1);
        return response.body.items[0];
      }
      if (Date.now() > deadline)
        throw new Error('the checks raised no DECLARATION_WITHOUT_DUO_CONTRACT flag');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const register = (bsn: string, declarationId: string) =>
    t.http
      .post(`${API}/exemptions`)
      .set(...bearer(duo))
      .send({ learnerBsn: bsn, grounds: 'AGI', declarationIds: [declarationId], examAttempts: 3 })
      .expect(201);
  const act = (id: string, body: object) =>
    t.http
      .post(`${API}/exemptions/${id}/actions`)
      .set(...bearer(duo))
      .send(body)
      .expect(200);
  const declarationStatus = async (id: string) =>
    (
      await t.http
        .get(`${API}/hours-declarations/${id}`)
        .set(...bearer(duo))
        .expect(200)
    ).body.status;

  it('asks the school when DUO knows no contract (MEDIUM flag), and refuses when the school did not issue the declaration', async () => {
    const { bsn, declarationId } = await declared(1, true);
    expect(await flagOn(declarationId)).toMatchObject({
      rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
      severity: 'MEDIUM',
    });
    const created = await register(bsn, declarationId);
    expect(created.body.status).toBe('AWAITING_SCHOOL');
    const requests = await t.http
      .get(`${API}/confirmation-requests`)
      .set(...bearer(a.schoolUser))
      .expect(200);
    const request = requests.body.items.find((r: { declarationIds: string[] }) =>
      r.declarationIds.includes(declarationId),
    );
    await t.http
      .post(`${API}/confirmation-requests/${request.id}/response`)
      .set(...bearer(a.schoolUser))
      .send({ issued: false })
      .expect(200);
    expect(
      (
        await t.http
          .get(`${API}/exemptions/${created.body.id}`)
          .set(...bearer(duo))
          .expect(200)
      ).body.status,
    ).toBe('REFUSED');
    expect(await declarationStatus(declarationId)).toBe('REJECTED');
  });

  it('asks the school even when the declaration has no contract anywhere (that HIGH flag is the question, no irregularity); unverified learner evidence ends in refusal', async () => {
    const { bsn, declarationId } = await declared(2, false);
    expect(await flagOn(declarationId)).toMatchObject({
      rule: 'DECLARATION_WITHOUT_DUO_CONTRACT',
      severity: 'HIGH',
    });
    const created = await register(bsn, declarationId);
    expect(created.body.status).toBe('AWAITING_SCHOOL');
    expect((await act(created.body.id, { action: 'REQUEST_LEARNER_EVIDENCE' })).body.status).toBe(
      'AWAITING_LEARNER_EVIDENCE',
    );
    expect(
      (await act(created.body.id, { action: 'RECORD_LEARNER_EVIDENCE', verified: false })).body.status,
    ).toBe('INTENDED_REFUSAL');
    expect(
      (await act(created.body.id, { action: 'REFUSE', reason: 'no contract, no bank statement' })).body
        .status,
    ).toBe('REFUSED');
    expect(await declarationStatus(declarationId)).toBe('REJECTED');
  });

  it('is ready for decision when DUO knows the contract, and AGI still needs 600 hours', async () => {
    const { bsn, declarationId } = await declared(3, true);
    await flagOn(declarationId);
    const payments = `bsn,school_kvk,contract_reference,invoice_number,amount_cents,paid_on\n${bsn},${a.school.kvkNumber},C-3,F-3,150000,2024-02-15\n`;
    expect(await importCsv(t, duo, '/duo/imports?type=payments', payments)).toMatchObject({
      status: 'DONE',
      rowsAccepted: 1,
    });
    // The import re-checks the learner: the contract is known at DUO now, so the flag is withdrawn.
    await flagOn(declarationId, 'WITHDRAWN');
    const created = await register(bsn, declarationId);
    expect(created.body.status).toBe('READY_FOR_DECISION');
    // 6 hours are far from the 600 AGI needs.
    await t.http
      .post(`${API}/exemptions/${created.body.id}/actions`)
      .set(...bearer(duo))
      .send({ action: 'GRANT', reason: 'x' })
      .expect(422);
  });
});
