import { checksSettled, flagsOn, waitForCheckRun } from './support/checks';
import { newDeclaration, newSchoolWithUser, validBsn } from './support/factories';
import { seedRules } from '../src/rules/catalogue/seed-rules';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

/** The rule catalogue as data: GET /rules and PATCH /rules/{code}. */
describe('rules', () => {
  let t: TestApp;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    auditor = await t.user('AUDITOR');
  });
  afterAll(() => t.close());

  it('lists all eighteen rules with description, subject, severity, parameters and whether enabled', async () => {
    const response = await t.http
      .get(`${API}/rules`)
      .set(...bearer(auditor))
      .expect(200);
    expect(response.body).toHaveLength(18);
    expect(
      response.body.find((r: { code: string }) => r.code === 'CERTIFIED_LESSON_SHARE_BELOW_NORM'),
    ).toMatchObject({
      subjectType: 'SCHOOL_YEAR',
      severity: 'HIGH',
      defaultSeverity: 'HIGH',
      enabled: true,
      parameters: { norm: 0.8, minimumLessons: 20 },
    });
    expect(response.body.find((r: { code: string }) => r.code === 'GROUP_SIZE_EXCEEDED').parameters).toEqual({
      routeMaxima: { B1: 16, Z: 16, ALFA: 12, ONDERWIJS: 16, WI2013: 16 },
    });
    expect(
      response.body.find((r: { code: string }) => r.code === 'DECLARATION_WITHOUT_DUO_CONTRACT').parameters,
    ).toEqual({ confirmationDays: 28 });
  });

  it('lets DUO read the rules but not change them; a school may do neither', async () => {
    const duo = await t.user('DUO');
    const { school } = await newSchoolWithUser(t);
    const schoolUser = await t.user('SCHOOL', school.id);
    await t.http
      .get(`${API}/rules`)
      .set(...bearer(duo))
      .expect(200);
    await t.http
      .patch(`${API}/rules/LOAN_LIMIT_EXCEEDED`)
      .set(...bearer(duo))
      .send({ severity: 'LOW' })
      .expect(403);
    await t.http
      .get(`${API}/rules`)
      .set(...bearer(schoolUser))
      .expect(403);
    await t.http
      .patch(`${API}/rules/LOAN_LIMIT_EXCEEDED`)
      .set(...bearer(schoolUser))
      .send({ severity: 'LOW' })
      .expect(403);
  });

  it('refuses unknown parameters and wrong types, naming parameters.x, and stores nothing', async () => {
    const unknown = await t.http
      .patch(`${API}/rules/QUARTERLY_CAP_EXCEEDED`)
      .set(...bearer(auditor))
      .send({ parameters: { capEuros: 10 } })
      .expect(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.body.invalidParams).toEqual([{ name: 'parameters.capEuros', reason: expect.any(String) }]);
    const wrongType = await t.http
      .patch(`${API}/rules/QUARTERLY_CAP_EXCEEDED`)
      .set(...bearer(auditor))
      .send({ parameters: { capCents: '200000' } })
      .expect(400);
    expect(wrongType.body.invalidParams[0].name).toBe('parameters.capCents');
    const route = await t.http
      .patch(`${API}/rules/GROUP_SIZE_EXCEEDED`)
      .set(...bearer(auditor))
      .send({ parameters: { routeMaxima: { A2: 10 } } })
      .expect(400);
    expect(route.body.invalidParams[0].name).toBe('parameters.routeMaxima');
    await t.http
      .patch(`${API}/rules/QUARTERLY_CAP_EXCEEDED`)
      .set(...bearer(auditor))
      .send({ severity: 'URGENT' })
      .expect(400);
    await t.http
      .patch(`${API}/rules/NO_SUCH_RULE`)
      .set(...bearer(auditor))
      .send({ enabled: false })
      .expect(404);
    const [rule] = await t.sql(
      `SELECT parameters, severity FROM rules WHERE code = 'QUARTERLY_CAP_EXCEEDED'`,
    );
    expect(rule).toEqual({ parameters: { capCents: 200000 }, severity: 'MEDIUM' });
  });

  it('changes a parameter, audited with before and after, merging a route maximum into the others, and re-checks', async () => {
    const response = await t.http
      .patch(`${API}/rules/GROUP_SIZE_EXCEEDED`)
      .set(...bearer(auditor))
      .send({ parameters: { routeMaxima: { ALFA: 10 } } })
      .expect(200);
    expect(response.body.parameters.routeMaxima).toEqual({
      B1: 16,
      Z: 16,
      ALFA: 10,
      ONDERWIJS: 16,
      WI2013: 16,
    });
    expect(response.body.checkRunId).toEqual(expect.any(String));
    const run = await waitForCheckRun(t, auditor, response.body.checkRunId);
    expect(run).toMatchObject({ status: 'DONE', progress: 1 });

    const audit = await t.http
      .get(`${API}/audit-events`)
      .query({ subjectType: 'RULE', subjectId: 'GROUP_SIZE_EXCEEDED' })
      .set(...bearer(auditor))
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      actorId: auditor.id,
      before: { parameters: { routeMaxima: { ALFA: 12 } } },
      after: { parameters: { routeMaxima: { ALFA: 10 } } },
    });
  });

  it('disabling a rule withdraws its open flags; enabling it again reopens them; a changed severity applies to its flags', async () => {
    const { school, schoolUser } = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
    const declaration = await newDeclaration(t, schoolUser, { learnerBsn: validBsn(4242) });
    const [flag] = await flagsOn(t, auditor, 'DECLARATION_WITHOUT_DUO_CONTRACT', declaration.id);
    expect(flag).toMatchObject({ status: 'OPEN', severity: 'HIGH', schoolId: school.id });

    await t.http
      .patch(`${API}/rules/DECLARATION_WITHOUT_DUO_CONTRACT`)
      .set(...bearer(auditor))
      .send({ enabled: false })
      .expect(200);
    expect(await flagsOn(t, auditor, 'DECLARATION_WITHOUT_DUO_CONTRACT', declaration.id)).toMatchObject([
      { id: flag.id, status: 'WITHDRAWN' },
    ]);

    const enabled = await t.http
      .patch(`${API}/rules/DECLARATION_WITHOUT_DUO_CONTRACT`)
      .set(...bearer(auditor))
      .send({ enabled: true, severity: 'MEDIUM' })
      .expect(200);
    await waitForCheckRun(t, auditor, enabled.body.checkRunId);
    await checksSettled(t);
    expect(await flagsOn(t, auditor, 'DECLARATION_WITHOUT_DUO_CONTRACT', declaration.id)).toMatchObject([
      { id: flag.id, status: 'OPEN', severity: 'MEDIUM' },
    ]);
    const events = await t.sql<{ action: string }>(
      `SELECT action FROM flag_events WHERE flag_id = $1 ORDER BY id`,
      [flag.id],
    );
    expect(events.map((e) => e.action)).toEqual(['RAISED', 'WITHDRAWN', 'REOPENED']);
  });

  it('seeds the rules table from the catalogue: a missing rule row comes back with its defaults, a changed one is left alone', async () => {
    await t.sql(`DELETE FROM rules WHERE code = 'LOAN_LIMIT_EXCEEDED'`);
    await t.sql(
      `UPDATE rules SET severity = 'LOW', parameters = '{"capCents": 1}', description = 'stale' WHERE code = 'QUARTERLY_CAP_EXCEEDED'`,
    );
    await seedRules(t.dataSource.manager);
    const rows = await t.sql<{
      code: string;
      severity: string;
      enabled: boolean;
      parameters: object;
      description: string;
    }>(
      `SELECT code, severity, enabled, parameters, description FROM rules WHERE code IN ('LOAN_LIMIT_EXCEEDED','QUARTERLY_CAP_EXCEEDED') ORDER BY code`,
    );
    expect(rows).toEqual([
      {
        code: 'LOAN_LIMIT_EXCEEDED',
        severity: 'HIGH',
        enabled: true,
        parameters: {},
        description: "DUO payments for the learner exceed the learner's loan limit.",
      },
      {
        code: 'QUARTERLY_CAP_EXCEEDED',
        severity: 'LOW',
        enabled: true,
        parameters: { capCents: 1 },
        description: 'DUO payments for the learner in a calendar quarter, over all schools, exceed capCents.',
      },
    ]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM rules`)).toEqual([{ n: 18 }]);
  });
});
