import { checksSettled, flagsOn, waitForCheckRun } from './support/checks';
import {
  newContract,
  newDeclaration,
  newGroup,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  SchoolWithUser,
  validBsn,
} from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
const RULE = 'DECLARED_HOURS_EXCEED_CONTRACT';

/** POST /rules/{code}/simulations: what a rule change would do to the flags, before it is made. */
describe('rule simulation', () => {
  let t: TestApp;
  let auditor: TestUser;
  let s: SchoolWithUser;
  const declarations: Record<'far' | 'near' | 'within', string> = { far: '', near: '', within: '' };

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    auditor = await t.user('AUDITOR');
    s = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    // Contracts of 100 hours; declarations 10 over, 2 over and within.
    const hours = { far: 110, near: 102, within: 95 };
    for (const [n, key] of (['far', 'near', 'within'] as const).entries()) {
      const learnerBsn = validBsn(8100 + n);
      await newContract(t, s.schoolUser, { learnerBsn, hours: 100 });
      declarations[key] = (await newDeclaration(t, s.schoolUser, { learnerBsn, hours: hours[key] })).id;
    }
    await checksSettled(t);
  });
  afterAll(() => t.close());

  const simulate = (body: object, user = auditor, code = RULE) =>
    t.http
      .post(`${API}/rules/${code}/simulations`)
      .set(...bearer(user))
      .send(body);
  /** Everything a simulation must leave alone. */
  const state = async () =>
    t.sql(
      `SELECT (SELECT count(*) FROM flags)::int AS flags, (SELECT count(*) FROM flag_events)::int AS events,
              (SELECT count(*) FROM audit_events)::int AS audit, (SELECT count(*) FROM check_runs)::int AS runs,
              (SELECT row_to_json(r)::text FROM rules r WHERE code = $1) AS rule`,
      [RULE],
    );

  it('starts from two flags: 10 and 2 hours over the contract', async () => {
    expect((await flagsOn(t, auditor, RULE, declarations.far)).map((f) => f.status)).toEqual(['OPEN']);
    expect((await flagsOn(t, auditor, RULE, declarations.near)).map((f) => f.status)).toEqual(['OPEN']);
    expect(await flagsOn(t, auditor, RULE, declarations.within)).toHaveLength(0);
  });

  it('counts what a higher tolerance would withdraw, with examples that explain themselves, and writes nothing', async () => {
    const before = await state();
    const response = await simulate({ parameters: { toleranceHours: 5 } }).expect(200);
    expect(response.body).toMatchObject({
      rule: { code: RULE, parameters: { toleranceHours: 5 }, severity: 'MEDIUM', enabled: true },
      wouldRaise: 0,
      wouldWithdraw: 1,
      wouldChangeSeverity: 0,
      unchanged: 1,
    });
    expect(response.body.examples).toEqual([
      {
        change: 'WITHDRAW',
        subjectType: 'HOURS_DECLARATION',
        subjectId: declarations.near,
        schoolId: s.school.id,
        period: { from: '2024-01-01', to: '2024-06-30' },
        severity: 'MEDIUM',
        explanation: expect.stringContaining('102'),
      },
    ]);
    expect(await state()).toEqual(before);
  });

  it('counts a severity change on every live flag, and a disabled rule as withdrawing them all', async () => {
    const before = await state();
    const severity = await simulate({ severity: 'HIGH' }).expect(200);
    expect(severity.body).toMatchObject({
      wouldRaise: 0,
      wouldWithdraw: 0,
      wouldChangeSeverity: 2,
      unchanged: 0,
    });
    expect(
      severity.body.examples.map((e: { change: string; severity: string }) => [e.change, e.severity]),
    ).toEqual([
      ['SEVERITY', 'HIGH'],
      ['SEVERITY', 'HIGH'],
    ]);
    const disabled = await simulate({ enabled: false }).expect(200);
    expect(disabled.body).toMatchObject({
      wouldRaise: 0,
      wouldWithdraw: 2,
      wouldChangeSeverity: 0,
      unchanged: 0,
    });
    expect(await state()).toEqual(before);
  });

  it('counts the withdrawn flags a lower tolerance would raise again, after a real change', async () => {
    const changed = await t.http
      .patch(`${API}/rules/${RULE}`)
      .set(...bearer(auditor))
      .send({ parameters: { toleranceHours: 20 } })
      .expect(200);
    await waitForCheckRun(t, auditor, changed.body.checkRunId);
    expect((await flagsOn(t, auditor, RULE, declarations.far)).map((f) => f.status)).toEqual(['WITHDRAWN']);
    const back = await simulate({ parameters: { toleranceHours: 0 } }).expect(200);
    expect(back.body).toMatchObject({
      wouldRaise: 2,
      wouldWithdraw: 0,
      wouldChangeSeverity: 0,
      unchanged: 0,
    });
    expect(back.body.examples.map((e: { subjectId: string }) => e.subjectId).sort()).toEqual(
      [declarations.far, declarations.near].sort(),
    );
    const noChange = await simulate({}).expect(200);
    expect(noChange.body).toMatchObject({
      wouldRaise: 0,
      wouldWithdraw: 0,
      wouldChangeSeverity: 0,
      examples: [],
    });
  });

  it('shows exactly the lessons a route maximum lowered by one would flag, and writes nothing', async () => {
    const group = await newGroup(t, s.schoolUser, { route: 'ALFA' });
    const teacher = await newTeacher(t, s.schoolUser);
    const lesson = (day: string, attendees: number) =>
      newLesson(t, s.schoolUser, {
        groupCode: group.code,
        teacherReference: teacher.reference,
        startsAt: `2024-10-${day}T09:00:00+02:00`,
        endsAt: `2024-10-${day}T10:00:00+02:00`,
        attendeeBsns: Array.from({ length: attendees }, (_, i) => validBsn(8200 + i)),
      });
    const atMaximum = await lesson('01', 12);
    await lesson('02', 11);
    await checksSettled(t);
    const before = await t.sql(
      `SELECT (SELECT count(*) FROM flags)::int AS flags, (SELECT count(*) FROM flag_events)::int AS events,
              (SELECT parameters::text FROM rules WHERE code = 'GROUP_SIZE_EXCEEDED') AS parameters`,
    );
    const lowered = await simulate(
      { parameters: { routeMaxima: { ALFA: 11 } } },
      auditor,
      'GROUP_SIZE_EXCEEDED',
    ).expect(200);
    expect(lowered.body).toMatchObject({ wouldRaise: 1, wouldWithdraw: 0, wouldChangeSeverity: 0 });
    expect(lowered.body.rule.parameters.routeMaxima).toMatchObject({ ALFA: 11, B1: 16 });
    expect(lowered.body.examples).toHaveLength(1);
    expect(lowered.body.examples[0]).toMatchObject({
      change: 'RAISE',
      subjectType: 'LESSON',
      subjectId: atMaximum.id,
    });
    expect(
      await t.sql(
        `SELECT (SELECT count(*) FROM flags)::int AS flags, (SELECT count(*) FROM flag_events)::int AS events,
              (SELECT parameters::text FROM rules WHERE code = 'GROUP_SIZE_EXCEEDED') AS parameters`,
      ),
    ).toEqual(before);
  });

  it('validates the change as PATCH does (400 naming the field), 404 for an unknown rule, AUDITOR and ADMIN only', async () => {
    const [admin, duo] = [await t.user('ADMIN'), await t.user('DUO')];
    const before = await state();
    expect(
      (await simulate({ parameters: { toleranceHours: -1 } }).expect(400)).body.invalidParams[0].name,
    ).toBe('parameters.toleranceHours');
    expect((await simulate({ parameters: { capCents: 5 } }).expect(400)).body.invalidParams[0].name).toBe(
      'parameters.capCents',
    );
    expect((await simulate({ severity: 'SEVERE' }).expect(400)).body.invalidParams[0].name).toBe('severity');
    expect((await simulate({ enabled: 'no' }).expect(400)).body.invalidParams[0].name).toBe('enabled');
    expect((await simulate({ extra: 1 }).expect(400)).body.invalidParams[0].name).toBe('extra');
    await simulate({}, auditor, 'NO_SUCH_RULE').expect(404);
    await simulate({}, admin).expect(200);
    await simulate({}, duo).expect(403);
    await simulate({}, s.schoolUser).expect(403);
    expect(await state()).toEqual(before);
  });
});
