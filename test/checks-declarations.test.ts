import { checksSettled, duoPayment, flagsOn, onlyFlagOn } from './support/checks';
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
import { countingHours } from '../src/rules/catalogue/shared-sql';

/** The four rules on hours declarations (urenverklaringen), and what they do to a declaration's status. */
describe('checks on hours declarations', () => {
  let t: TestApp;
  let auditor: TestUser;
  let a: SchoolWithUser;
  let groupCode: string;
  let teacherReference: string;
  let bsnSeq = 100;
  const bsn = () => validBsn(bsnSeq++);

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    auditor = await t.user('AUDITOR');
    a = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
    groupCode = (await newGroup(t, a.schoolUser)).code;
    teacherReference = (await newTeacher(t, a.schoolUser)).reference;
  });
  afterAll(() => t.close());

  /** Two-hour lessons on the given days (Amsterdam 10:00-12:00). */
  const lessons = async (
    learnerBsn: string,
    days: string[],
    mode: 'IN_PERSON' | 'REMOTE' | 'ONLINE_AT_SCHOOL' = 'IN_PERSON',
  ) => {
    for (const day of days) {
      await newLesson(t, a.schoolUser, {
        groupCode,
        teacherReference,
        startsAt: `${day}T10:00:00+01:00`,
        endsAt: `${day}T12:00:00+01:00`,
        mode,
        attendeeBsns: [learnerBsn],
      });
    }
  };

  describe('DECLARED_HOURS_EXCEED_ATTENDANCE', () => {
    it('flags a declaration above the attended hours of counting lessons, HIGH, naming the numbers; REMOTE lessons do not count', async () => {
      const learner = bsn();
      await lessons(learner, ['2024-02-05', '2024-02-12']);
      await lessons(learner, ['2024-02-19'], 'REMOTE');
      const declaration = await newDeclaration(t, a.schoolUser, {
        learnerBsn: learner,
        hours: 5,
        periodStart: '2024-01-01',
        periodEnd: '2024-06-30',
      });

      const flag = await onlyFlagOn(t, auditor, 'DECLARED_HOURS_EXCEED_ATTENDANCE', declaration.id);
      expect(flag).toMatchObject({
        severity: 'HIGH',
        status: 'OPEN',
        schoolId: a.school.id,
        subjectType: 'HOURS_DECLARATION',
        period: { from: '2024-01-01', to: '2024-06-30' },
      });
      expect(flag.explanation).toBe(
        "Declared 5 h for 2024-01-01..2024-06-30; the learner attended 4 h of this school's counting lessons in that period (2 lessons); 1 REMOTE lessons do not count.",
      );
      expect(flag.evidence).toMatchObject({
        declaredHours: 5,
        attendedHours: 4,
        lessons: 2,
        remoteLessons: 1,
      });
      expect(flag.evidence.records).toContainEqual({
        type: 'HOURS_DECLARATION',
        id: declaration.id,
        schoolId: a.school.id,
      });
    });

    it('does not flag a declaration of exactly the attended hours (ONLINE_AT_SCHOOL counts)', async () => {
      const learner = bsn();
      await lessons(learner, ['2024-03-04']);
      await lessons(learner, ['2024-03-11'], 'ONLINE_AT_SCHOOL');
      const declaration = await newDeclaration(t, a.schoolUser, {
        learnerBsn: learner,
        hours: 4,
        periodStart: '2024-03-04',
        periodEnd: '2024-03-11',
      });
      expect(await flagsOn(t, auditor, 'DECLARED_HOURS_EXCEED_ATTENDANCE', declaration.id)).toEqual([]);
    });

    it('counts a lesson by its Amsterdam date: a lesson at 00:30 on 1 July (22:30 UTC on 30 June) is outside a period ending 30 June', async () => {
      const learner = bsn();
      await newLesson(t, a.schoolUser, {
        groupCode,
        teacherReference,
        startsAt: '2024-06-30T22:30:00Z',
        endsAt: '2024-07-01T00:30:00Z',
        attendeeBsns: [learner],
      });
      const declaration = await newDeclaration(t, a.schoolUser, {
        learnerBsn: learner,
        hours: 2,
        periodStart: '2024-06-01',
        periodEnd: '2024-06-30',
      });
      const flag = await onlyFlagOn(t, auditor, 'DECLARED_HOURS_EXCEED_ATTENDANCE', declaration.id);
      expect(flag.evidence).toMatchObject({ attendedHours: 0, lessons: 0 });
    });

    it('withdraws the OPEN flag once the attendance is there, and the declaration moves from FLAGGED to CHECKED', async () => {
      const learner = bsn();
      await lessons(learner, ['2024-04-01']);
      await newContract(t, a.schoolUser, { learnerBsn: learner, hours: 100 });
      const declaration = await newDeclaration(t, a.schoolUser, {
        learnerBsn: learner,
        hours: 4,
        periodStart: '2024-04-01',
        periodEnd: '2024-04-30',
      });
      await duoPayment(t, {
        learnerId: declaration.learnerId,
        schoolKvk: a.school.kvkNumber,
        invoiceNumber: `F-${learner}`,
        amountCents: 1000,
        paidOn: '2024-05-01',
      });
      const flag = await onlyFlagOn(t, auditor, 'DECLARED_HOURS_EXCEED_ATTENDANCE', declaration.id);
      expect(flag.status).toBe('OPEN');
      expect(
        (await t.http.get(`/api/v1/hours-declarations/${declaration.id}`).set(...bearer(a.schoolUser))).body
          .status,
      ).toBe('FLAGGED');

      await lessons(learner, ['2024-04-08']);
      const after = await onlyFlagOn(t, auditor, 'DECLARED_HOURS_EXCEED_ATTENDANCE', declaration.id);
      expect(after).toMatchObject({ id: flag.id, status: 'WITHDRAWN' });
      expect(
        (await t.http.get(`/api/v1/hours-declarations/${declaration.id}`).set(...bearer(a.schoolUser))).body
          .status,
      ).toBe('CHECKED');
    });
  });

  describe('DECLARED_HOURS_EXCEED_CONTRACT', () => {
    it("flags declared hours above the school's contracts overlapping the period, MEDIUM", async () => {
      const learner = bsn();
      await newContract(t, a.schoolUser, {
        learnerBsn: learner,
        reference: `K-${learner}-1`,
        startDate: '2024-01-01',
        endDate: '2024-03-31',
        hours: 30,
      });
      await newContract(t, a.schoolUser, {
        learnerBsn: learner,
        reference: `K-${learner}-2`,
        startDate: '2024-07-01',
        endDate: '2024-12-31',
        hours: 500,
      });
      const declaration = await newDeclaration(t, a.schoolUser, {
        learnerBsn: learner,
        hours: 40,
        periodStart: '2024-01-01',
        periodEnd: '2024-06-30',
      });
      const flag = await onlyFlagOn(t, auditor, 'DECLARED_HOURS_EXCEED_CONTRACT', declaration.id);
      expect(flag).toMatchObject({
        severity: 'MEDIUM',
        status: 'OPEN',
        period: { from: '2024-01-01', to: '2024-06-30' },
      });
      expect(flag.explanation).toBe(
        `Declared 40 h for 2024-01-01..2024-06-30; this school's contracts with the learner overlapping that period contract 30 h (1 contract(s): K-${learner}-1 2024-01-01..2024-03-31, 30 h).`,
      );
    });

    it('does not flag declared hours exactly equal to the contracted hours', async () => {
      const learner = bsn();
      await newContract(t, a.schoolUser, {
        learnerBsn: learner,
        startDate: '2024-01-01',
        endDate: '2024-12-31',
        hours: 40,
      });
      const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: learner, hours: 40 });
      expect(await flagsOn(t, auditor, 'DECLARED_HOURS_EXCEED_CONTRACT', declaration.id)).toEqual([]);
    });
  });

  describe('DECLARATION_WITHOUT_DUO_CONTRACT', () => {
    it('is HIGH when neither DUO nor the school knows a contract with the learner', async () => {
      const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: bsn() });
      const flag = await onlyFlagOn(t, auditor, 'DECLARATION_WITHOUT_DUO_CONTRACT', declaration.id);
      expect(flag).toMatchObject({ severity: 'HIGH', schoolId: a.school.id });
      expect(flag.explanation).toContain(
        'the school registered no contract with the learner for that period either',
      );
    });

    it('is MEDIUM when the school registered a contract that DUO does not know, and withdrawn once DUO pays on it', async () => {
      const learner = bsn();
      const contract = await newContract(t, a.schoolUser, { learnerBsn: learner });
      const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: learner });
      const flag = await onlyFlagOn(t, auditor, 'DECLARATION_WITHOUT_DUO_CONTRACT', declaration.id);
      expect(flag.severity).toBe('MEDIUM');
      expect(flag.explanation).toContain(
        `1 contract(s) with the learner overlapping that period (${contract.reference} DUO_LOAN)`,
      );

      await duoPayment(t, {
        learnerId: declaration.learnerId,
        schoolKvk: a.school.kvkNumber,
        invoiceNumber: `P-${learner}`,
        amountCents: 5000,
        paidOn: '2024-08-01',
      });
      const after = await onlyFlagOn(t, auditor, 'DECLARATION_WITHOUT_DUO_CONTRACT', declaration.id);
      expect(after).toMatchObject({ id: flag.id, status: 'WITHDRAWN' });
    });

    it('does not count a DUO payment to another school as a contract known at DUO', async () => {
      const other = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
      const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: bsn() });
      await duoPayment(t, {
        learnerId: declaration.learnerId,
        schoolKvk: other.school.kvkNumber,
        invoiceNumber: 'X-1',
        amountCents: 5000,
        paidOn: '2024-08-01',
      });
      await checksSettled(t);
      expect(await flagsOn(t, auditor, 'DECLARATION_WITHOUT_DUO_CONTRACT', declaration.id)).toHaveLength(1);
    });
  });

  describe('DECLARATION_OUTSIDE_KEURMERK', () => {
    let b: SchoolWithUser;
    beforeAll(async () => {
      b = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
      const admin = await t.adminToken();
      for (const [status, effectiveFrom] of [
        ['SUSPENDED', '2023-06-01'],
        ['GRANTED', '2023-09-01'],
      ]) {
        await t.http
          .post(`/api/v1/schools/${b.school.id}/keurmerk-events`)
          .set(...bearer(admin))
          .send({ status, effectiveFrom, reason: 'audit' })
          .expect(201);
      }
    });

    it('flags a declared period with days without a valid keurmerk, HIGH, naming the days', async () => {
      const declaration = await newDeclaration(t, b.schoolUser, {
        learnerBsn: bsn(),
        periodStart: '2023-05-01',
        periodEnd: '2023-12-31',
        issuedOn: '2024-01-05',
      });
      const flag = await onlyFlagOn(t, auditor, 'DECLARATION_OUTSIDE_KEURMERK', declaration.id);
      expect(flag).toMatchObject({ severity: 'HIGH', schoolId: b.school.id });
      expect(flag.explanation).toBe(
        'The declared period 2023-05-01..2023-12-31 includes 92 day(s) on which the school held no valid keurmerk: 2023-06-01..2023-08-31 (SUSPENDED).',
      );
    });

    it('flags declarations already checked when a suspension is recorded later (the school is swept again)', async () => {
      const c = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
      const declaration = await newDeclaration(t, c.schoolUser, {
        learnerBsn: bsn(),
        periodStart: '2024-01-01',
        periodEnd: '2024-06-30',
      });
      expect(await flagsOn(t, auditor, 'DECLARATION_OUTSIDE_KEURMERK', declaration.id)).toEqual([]);
      await t.http
        .post(`/api/v1/schools/${c.school.id}/keurmerk-events`)
        .set(...bearer(await t.adminToken()))
        .send({ status: 'WITHDRAWN', effectiveFrom: '2024-06-01', reason: 'misuse' })
        .expect(201);
      const flag = await onlyFlagOn(t, auditor, 'DECLARATION_OUTSIDE_KEURMERK', declaration.id);
      expect(flag.explanation).toContain('2024-06-01..2024-06-30 (WITHDRAWN)');
    });

    it('does not flag a period after the keurmerk was reinstated', async () => {
      const declaration = await newDeclaration(t, b.schoolUser, {
        learnerBsn: bsn(),
        periodStart: '2023-09-01',
        periodEnd: '2024-06-30',
      });
      expect(await flagsOn(t, auditor, 'DECLARATION_OUTSIDE_KEURMERK', declaration.id)).toEqual([]);
    });
  });

  it('changes no flag when the checks run again, and leaves a decided flag as it was', async () => {
    const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: bsn(), hours: 10 });
    await checksSettled(t);
    const before = await t.sql(`SELECT * FROM flags WHERE subject_id = $1 ORDER BY rule_code`, [
      declaration.id,
    ]);
    expect(before.length).toBeGreaterThanOrEqual(2);
    const decided = before[0] as { id: string };
    await t.sql(
      `UPDATE flags SET status = 'DISMISSED', decision_outcome = 'DISMISSED', decision_reason = 'test' WHERE id = $1`,
      [decided.id],
    );

    await t.sql(
      `INSERT INTO pending_checks (scope_type, scope_id) VALUES ('SCHOOL', $1) ON CONFLICT DO NOTHING`,
      [a.school.id],
    );
    await lessons(bsn(), ['2024-05-06']); // any submission kicks the checks of the school
    await checksSettled(t);
    const after = await t.sql(`SELECT * FROM flags WHERE subject_id = $1 ORDER BY rule_code`, [
      declaration.id,
    ]);
    expect(after).toEqual(
      before.map((f) =>
        f === decided
          ? { ...f, status: 'DISMISSED', decision_outcome: 'DISMISSED', decision_reason: 'test' }
          : f,
      ),
    );
    const events = await t.sql(`SELECT action FROM flag_events WHERE flag_id = ANY($1)`, [
      before.map((f) => (f as { id: string }).id),
    ]);
    expect(events.every((e) => (e as { action: string }).action === 'RAISED')).toBe(true);
  });
  it('sums attended hours as numeric rounding to hundredths would, ties away from zero (every second up to 8 h, and a microsecond either side of each tie)', async () => {
    const [{ lessons, differing }] = await t.sql(`
      WITH durations AS (
        SELECT make_interval(secs => s) AS d FROM generate_series(1, 28800) s
        UNION ALL SELECT make_interval(secs => k * 36 + 18 + e / 1e6)
        FROM generate_series(0, 799) k CROSS JOIN (VALUES (-1), (0), (1)) v(e)),
      hours AS (
        SELECT ${countingHours} AS summed,
               sum(round(extract(epoch FROM a.ends_at - a.starts_at) / 3600, 2)) AS numeric_rounding
        FROM durations
        CROSS JOIN LATERAL (SELECT timestamptz '2024-03-04 09:00+01' AS starts_at,
                                   timestamptz '2024-03-04 09:00+01' + d AS ends_at, true AS counts) a
        GROUP BY d)
      SELECT count(*)::int AS lessons, count(*) FILTER (WHERE summed::text <> numeric_rounding::text)::int AS differing FROM hours`);
    expect(lessons).toBe(28800 + 800 * 3 - 800); // the ties themselves are whole seconds, counted once
    expect(differing).toBe(0);
  });
});
