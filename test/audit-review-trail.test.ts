import { randomUUID } from 'node:crypto';
import { newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { declaration, duoPayment, flag } from './support/review-fixtures';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

interface AuditItem {
  at: string;
  action: string;
  actorId: string | null;
  actorRole: string;
  subjectType: string;
  subjectId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe('audit trail of reviews and decisions', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let duo: TestUser;
  let auditor: TestUser;
  let exemptionId: string;
  let declarationId: string;
  let flagId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    duo = await t.user('DUO');
    auditor = await t.user('AUDITOR');

    const bsn = validBsn(42);
    declarationId = await declaration(t, { schoolId: a.school.id, bsn });
    await duoPayment(t, { bsn, schoolKvk: a.school.kvkNumber });
    const created = await t.http
      .post(`${API}/exemptions`)
      .set(...bearer(duo))
      .send({ learnerBsn: bsn, grounds: 'MEDICAL', declarationIds: [declarationId] })
      .expect(201);
    exemptionId = created.body.id;
    await t.http
      .post(`${API}/exemptions/${exemptionId}/actions`)
      .set(...bearer(duo))
      .send({ action: 'GRANT', reason: 'certificate holds' })
      .expect(200);

    flagId = await flag(t, {
      rule: 'GROUP_SIZE_EXCEEDED',
      subjectType: 'LESSON',
      subjectId: randomUUID(),
      schoolId: a.school.id,
    });
    await t.http
      .post(`${API}/flags/${flagId}/assignment`)
      .set(...bearer(auditor))
      .send({})
      .expect(200);
    await t.http
      .post(`${API}/flags/${flagId}/decision`)
      .set(...bearer(auditor))
      .send({ outcome: 'DISMISSED', reason: 'two groups in one room' })
      .expect(200);
  });
  afterAll(() => t.close());

  const audit = async (query: Record<string, string>): Promise<AuditItem[]> =>
    [
      ...(
        await t.http
          .get(`${API}/audit-events`)
          .query(query)
          .set(...bearer(auditor))
          .expect(200)
      ).body.items,
    ].reverse();

  it("lists a DUO officer's steps by actor: registration, decision and the declaration it accepted", async () => {
    const steps = await audit({ actorId: duo.id });
    expect(steps.map((e) => [e.subjectType, e.subjectId, e.action, e.actorRole])).toEqual([
      ['EXEMPTION', exemptionId, 'REGISTER', 'DUO'],
      ['EXEMPTION', exemptionId, 'GRANT', 'DUO'],
      ['HOURS_DECLARATION', declarationId, 'ACCEPT', 'DUO'],
    ]);
    expect(steps[1]).toMatchObject({
      before: { status: 'READY_FOR_DECISION' },
      after: { status: 'GRANTED', reason: 'certificate holds' },
    });
    expect(steps[2]).toMatchObject({
      before: { status: 'CHECKED' },
      after: { status: 'ACCEPTED', exemptionId },
    });
  });

  it("lists an auditor's review of a flag with before and after", async () => {
    const steps = await audit({ actorId: auditor.id, subjectType: 'FLAG' });
    expect(steps.map((e) => [e.subjectId, e.action, e.before?.status, e.after?.status])).toEqual([
      [flagId, 'ASSIGNED', 'OPEN', 'IN_REVIEW'],
      [flagId, 'DECIDED', 'IN_REVIEW', 'DISMISSED'],
    ]);
  });

  it('narrows by time', async () => {
    const [, grant] = await audit({ subjectType: 'EXEMPTION', subjectId: exemptionId });
    const fromGrant = await audit({ subjectType: 'EXEMPTION', subjectId: exemptionId, from: grant.at });
    expect(fromGrant.map((e) => e.action)).toEqual(['GRANT']);
    // `at` is shown to the millisecond and stored to the microsecond: one millisecond later includes it.
    const justAfterGrant = new Date(Date.parse(grant.at) + 1).toISOString();
    const untilGrant = await audit({ subjectType: 'EXEMPTION', subjectId: exemptionId, to: justAfterGrant });
    expect(untilGrant.map((e) => e.action)).toEqual(['REGISTER', 'GRANT']);
  });

  it('keeps a BSN out of the trail', async () => {
    const all = await audit({ pageSize: '500' });
    expect(JSON.stringify(all)).not.toContain(validBsn(42));
  });

  it('is not for schools (403)', async () => {
    await t.http
      .get(`${API}/audit-events`)
      .query({ subjectType: 'EXEMPTION' })
      .set(...bearer(a.schoolUser))
      .expect(403);
  });
});
