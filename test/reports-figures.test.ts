import { randomUUID } from 'node:crypto';
import { newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { declaration, duoPayment, flag, learnerId } from './support/review-fixtures';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

describe('reports', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let auditor: TestUser;
  let duo: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    auditor = await t.user('AUDITOR');
    duo = await t.user('DUO');
  });
  afterAll(() => t.close());

  describe('GET /reports/declarations', () => {
    const period = { from: '2023-03-15', to: '2023-07-31' };

    beforeAll(async () => {
      // d1: received in the period, backed by a DUO payment.
      const l1 = validBsn(1);
      await declaration(t, { schoolId: a.school.id, bsn: l1, receivedAt: '2023-03-20T10:00:00+01:00' });
      await duoPayment(t, { bsn: l1, schoolKvk: a.school.kvkNumber });
      // d2: DUO paid for this learner at school B only, so no contract at DUO with A; an open HIGH flag.
      const l2 = validBsn(2);
      const d2 = await declaration(t, {
        schoolId: a.school.id,
        bsn: l2,
        receivedAt: '2023-04-10T10:00:00+02:00',
      });
      await duoPayment(t, { bsn: l2, schoolKvk: b.school.kvkNumber });
      await flag(t, {
        rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
        subjectType: 'HOURS_DECLARATION',
        subjectId: d2,
        schoolId: a.school.id,
      });
      // d3: no contract at DUO, a dismissed flag; the school denies issuing it (through the API below).
      const l3 = validBsn(3);
      const d3 = await declaration(t, {
        schoolId: b.school.id,
        bsn: l3,
        receivedAt: '2023-05-01T10:00:00+02:00',
      });
      await flag(t, {
        rule: 'DECLARATION_OUTSIDE_KEURMERK',
        subjectType: 'HOURS_DECLARATION',
        subjectId: d3,
        schoolId: b.school.id,
        status: 'DISMISSED',
      });
      // d4: received 23:30 on the last day in Amsterdam (21:30 UTC); backed; one withdrawn and one confirmed flag.
      const l4 = validBsn(4);
      const d4 = await declaration(t, { schoolId: b.school.id, bsn: l4, receivedAt: '2023-07-31T21:30:00Z' });
      await duoPayment(t, { bsn: l4, schoolKvk: b.school.kvkNumber });
      await flag(t, {
        rule: 'DECLARED_HOURS_EXCEED_CONTRACT',
        subjectType: 'HOURS_DECLARATION',
        subjectId: d4,
        schoolId: b.school.id,
        status: 'WITHDRAWN',
      });
      await flag(t, {
        rule: 'DECLARATION_OUTSIDE_KEURMERK',
        subjectType: 'HOURS_DECLARATION',
        subjectId: d4,
        schoolId: b.school.id,
        status: 'CONFIRMED',
      });
      // Outside the period: 00:30 on 1 August in Amsterdam, and the day before it starts.
      await declaration(t, { schoolId: a.school.id, bsn: validBsn(5), receivedAt: '2023-07-31T22:30:00Z' });
      await declaration(t, {
        schoolId: a.school.id,
        bsn: validBsn(6),
        receivedAt: '2023-03-14T12:00:00+01:00',
        status: 'REJECTED',
      });

      // The forgery path, end to end: DUO asks school B about d3, school B says it never issued it.
      const exemption = await t.http
        .post(`${API}/exemptions`)
        .set(...bearer(duo))
        .send({ learnerBsn: l3, grounds: 'AGI', declarationIds: [d3] })
        .expect(201);
      expect(exemption.body.status).toBe('AWAITING_SCHOOL');
      const requests = await t.http
        .get(`${API}/confirmation-requests`)
        .set(...bearer(b.schoolUser))
        .expect(200);
      const request = requests.body.items.find((r: { declarationIds: string[] }) =>
        r.declarationIds.includes(d3),
      );
      await t.http
        .post(`${API}/confirmation-requests/${request.id}/response`)
        .set(...bearer(b.schoolUser))
        .send({ issued: false })
        .expect(200);
      expect(
        (
          await t.http
            .get(`${API}/exemptions/${exemption.body.id}`)
            .set(...bearer(duo))
            .expect(200)
        ).body.status,
      ).toBe('REFUSED');
    });

    it('counts submitted, without contract at DUO, flagged, refused and forgery reports for the period', async () => {
      const response = await t.http
        .get(`${API}/reports/declarations`)
        .query(period)
        .set(...bearer(auditor))
        .expect(200);
      // submitted d1-d4; without contract d2, d3; flagged d2 (open), d4 (confirmed); refused and forgery: d3.
      expect(response.body).toEqual({
        ...period,
        submitted: 4,
        withoutDuoContract: 2,
        flagged: 2,
        refused: 1,
        forgeryReports: 1,
      });
    });

    it('gives the same numbers as CSV', async () => {
      const response = await t.http
        .get(`${API}/reports/declarations`)
        .query(period)
        .set('Accept', 'text/csv')
        .set(...bearer(duo))
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.text).toBe(
        'from,to,submitted,withoutDuoContract,flagged,refused,forgeryReports\r\n2023-03-15,2023-07-31,4,2,2,1,1\r\n',
      );
    });

    it('includes both ends of the period', async () => {
      const lastDay = await t.http
        .get(`${API}/reports/declarations`)
        .query({ from: '2023-07-31', to: '2023-07-31' })
        .set(...bearer(auditor))
        .expect(200);
      expect(lastDay.body.submitted).toBe(1);
      const august = await t.http
        .get(`${API}/reports/declarations`)
        .query({ from: '2023-08-01', to: '2023-08-01' })
        .set(...bearer(auditor))
        .expect(200);
      expect(august.body).toMatchObject({
        submitted: 1,
        withoutDuoContract: 1,
        flagged: 0,
        refused: 0,
        forgeryReports: 0,
      });
    });

    it('validates the period: 400 naming a missing or malformed day, 422 for an end before its start', async () => {
      const missing = await t.http
        .get(`${API}/reports/declarations`)
        .query({ to: '2023-02-30' })
        .set(...bearer(auditor))
        .expect(400);
      expect(missing.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'to']);
      const reversed = await t.http
        .get(`${API}/reports/declarations`)
        .query({ from: '2023-08-01', to: '2023-07-31' })
        .set(...bearer(auditor))
        .expect(422);
      expect(reversed.body.invalidParams[0].name).toBe('to');
    });

    it('is not for schools (403)', async () => {
      await t.http
        .get(`${API}/reports/declarations`)
        .query(period)
        .set(...bearer(a.schoolUser))
        .expect(403);
    });
  });

  describe('GET /reports/schools/{id}/compliance', () => {
    const period = { from: '2024-01-01', to: '2024-03-31' };
    const learners: string[] = [];

    async function teacher(
      schoolId: string,
      t_: { certifiedSince?: string; training?: string; experience?: number; qualification?: string },
    ) {
      const [row] = await t.sql<{ id: string }>(
        `INSERT INTO teachers (school_id, name, reference, nt2_certified, certified_since, nt2_training_started_on, nt2_experience_years, related_qualification)
         VALUES ($1, 'T', $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          schoolId,
          randomUUID(),
          Boolean(t_.certifiedSince),
          t_.certifiedSince ?? null,
          t_.training ?? null,
          t_.experience ?? null,
          t_.qualification ?? null,
        ],
      );
      return row.id;
    }
    async function group(schoolId: string, route: string, maxSize: number | null) {
      const [row] = await t.sql<{ id: string }>(
        `INSERT INTO groups (school_id, code, route, max_size) VALUES ($1, $2, $3, $4) RETURNING id`,
        [schoolId, randomUUID(), route, maxSize],
      );
      return row.id;
    }
    async function lesson(
      schoolId: string,
      groupId: string,
      teacherId: string,
      startsAt: string,
      attendees: number,
    ) {
      const [row] = await t.sql<{ id: string }>(
        `INSERT INTO lessons (school_id, group_id, teacher_id, starts_at, ends_at) VALUES ($1, $2, $3, $4::timestamptz, $4::timestamptz + interval '90 minutes')
         RETURNING id`,
        [schoolId, groupId, teacherId, startsAt],
      );
      await t.sql(
        `INSERT INTO lesson_attendees (lesson_id, learner_id, school_id, starts_at, ends_at, lesson_date, counts)
         SELECT l.id, x.learner, l.school_id, l.starts_at, l.ends_at, l.lesson_date, true FROM lessons l, unnest($2::uuid[]) x(learner) WHERE l.id = $1`,
        [row.id, learners.slice(0, attendees)],
      );
      return row.id;
    }

    beforeAll(async () => {
      for (let n = 0; n < 16; n++) learners.push(await learnerId(t, validBsn(100 + n)));
      const s = a.school.id;
      const certified = await teacher(s, { certifiedSince: '2020-01-01' });
      const certifiedMidFebruary = await teacher(s, { certifiedSince: '2024-02-15' });
      const inTraining = await teacher(s, { training: '2023-06-01' });
      const experienced = await teacher(s, { experience: 5, qualification: 'DUTCH' });
      await t.http
        .post(`${API}/schools/${s}/measures`)
        .set(...bearer(auditor))
        .send({ kind: 'TEACHERS_IN_TRAINING', validFrom: '2024-02-01', validTo: '2024-02-29' })
        .expect(201);
      const b1 = await group(s, 'B1', null); // maximum: the route's 16
      const alfa = await group(s, 'ALFA', 20); // own 20 capped by ALFA's 12
      const small = await group(s, 'B1', 2);

      // January: 4 lessons, 1 by a counting teacher; 2 over the maximum (13 > 12, 3 > 2).
      await lesson(s, b1, certified, '2024-01-10T09:00:00+01:00', 3);
      await lesson(s, b1, certifiedMidFebruary, '2024-01-11T09:00:00+01:00', 3);
      await lesson(s, alfa, inTraining, '2024-01-12T09:00:00+01:00', 13);
      await lesson(s, small, experienced, '2024-01-13T09:00:00+01:00', 3);
      // February: 4 lessons, 3 counting (certified from the 15th; in training under the measure; the lesson at
      // 00:30 on 1 February in Amsterdam), none over (16 of 16, 12 of 12).
      await lesson(s, b1, certifiedMidFebruary, '2024-02-15T09:00:00+01:00', 2);
      const l6 = await lesson(s, b1, inTraining, '2024-02-20T09:00:00+01:00', 16);
      await lesson(s, alfa, experienced, '2024-02-21T09:00:00+01:00', 12);
      await lesson(s, b1, certified, '2024-01-31T23:30:00Z', 1);
      // Outside the report: April, and another school's lesson.
      await lesson(s, small, experienced, '2024-04-02T09:00:00+02:00', 5);
      await lesson(
        b.school.id,
        await group(b.school.id, 'B1', 1),
        await teacher(b.school.id, {}),
        '2024-01-10T09:00:00+01:00',
        5,
      );

      const lessonFlag = (status: string, periodFrom: string, schoolId = s, rule = 'GROUP_SIZE_EXCEEDED') =>
        flag(t, {
          rule,
          subjectType: 'LESSON',
          subjectId: randomUUID(),
          schoolId,
          status,
          periodFrom,
          periodTo: periodFrom,
        });
      await lessonFlag('OPEN', '2024-01-12');
      await lessonFlag('IN_REVIEW', '2024-01-13');
      await lessonFlag('DISMISSED', '2024-02-15', s, 'TEACHER_DOUBLE_BOOKED');
      await lessonFlag('OPEN', '2024-01-10', b.school.id);
      await flag(t, {
        rule: 'TEACHER_DOUBLE_BOOKED',
        subjectType: 'LESSON',
        subjectId: l6,
        schoolId: s,
        status: 'CONFIRMED',
        periodFrom: '2024-02-20',
      });
      await flag(t, {
        rule: 'CERTIFIED_LESSON_SHARE_BELOW_NORM',
        subjectType: 'SCHOOL_YEAR',
        subjectId: s,
        schoolId: s,
        periodFrom: '2024-01-01',
        periodTo: '2024-12-31',
      });
      await flag(t, {
        rule: 'DECLARATION_OUTSIDE_KEURMERK',
        subjectType: 'HOURS_DECLARATION',
        subjectId: randomUUID(),
        schoolId: s,
        raisedAt: '2024-03-05T10:00:00+01:00',
      });
    });

    const expectedMonths = [
      {
        month: '2024-01',
        lessons: 4,
        certifiedLessons: 1,
        certifiedShare: 0.25,
        lessonsOverMaxGroupSize: 2,
        openFlags: { CERTIFIED_LESSON_SHARE_BELOW_NORM: 1, GROUP_SIZE_EXCEEDED: 2 },
        openFlagsTotal: 3,
      },
      {
        month: '2024-02',
        lessons: 4,
        certifiedLessons: 3,
        certifiedShare: 0.75,
        lessonsOverMaxGroupSize: 0,
        openFlags: {},
        openFlagsTotal: 0,
      },
      {
        month: '2024-03',
        lessons: 0,
        certifiedLessons: 0,
        certifiedShare: null,
        lessonsOverMaxGroupSize: 0,
        openFlags: { DECLARATION_OUTSIDE_KEURMERK: 1 },
        openFlagsTotal: 1,
      },
    ];

    it('reports per month the certified-lesson share, lessons over the group maximum and open flags by rule', async () => {
      const response = await t.http
        .get(`${API}/reports/schools/${a.school.id}/compliance`)
        .query(period)
        .set(...bearer(auditor))
        .expect(200);
      expect(response.body).toEqual({ schoolId: a.school.id, ...period, months: expectedMonths });
    });

    it('gives the same numbers as CSV', async () => {
      const response = await t.http
        .get(`${API}/reports/schools/${a.school.id}/compliance`)
        .query(period)
        .set('Accept', 'text/csv')
        .set(...bearer(a.schoolUser))
        .expect(200);
      expect(response.text.split('\r\n')).toEqual([
        'month,lessons,certifiedLessons,certifiedShare,lessonsOverMaxGroupSize,openFlagsTotal,openFlags',
        '2024-01,4,1,0.25,2,3,CERTIFIED_LESSON_SHARE_BELOW_NORM=1;GROUP_SIZE_EXCEEDED=2',
        '2024-02,4,3,0.75,0,0,',
        '2024-03,0,0,,0,1,DECLARATION_OUTSIDE_KEURMERK=1',
        '',
      ]);
    });

    it("lets a school read its own report and answers 404 for another school's", async () => {
      const own = await t.http
        .get(`${API}/reports/schools/${a.school.id}/compliance`)
        .query(period)
        .set(...bearer(a.schoolUser))
        .expect(200);
      expect(own.body.months).toEqual(expectedMonths);
      await t.http
        .get(`${API}/reports/schools/${a.school.id}/compliance`)
        .query(period)
        .set(...bearer(b.schoolUser))
        .expect(404);
      await t.http
        .get(`${API}/reports/schools/${randomUUID()}/compliance`)
        .query(period)
        .set(...bearer(auditor))
        .expect(404);
    });

    it('follows the route maximum an auditor sets on GROUP_SIZE_EXCEEDED', async () => {
      await t.sql(
        `UPDATE rules SET parameters = jsonb_set(parameters, '{routeMaxima}', '{"B1": 15, "ALFA": 12}') WHERE code = 'GROUP_SIZE_EXCEEDED'`,
      );
      try {
        const response = await t.http
          .get(`${API}/reports/schools/${a.school.id}/compliance`)
          .query(period)
          .set(...bearer(auditor))
          .expect(200);
        expect(response.body.months[1].lessonsOverMaxGroupSize).toBe(1);
      } finally {
        await t.sql(
          `UPDATE rules SET parameters = jsonb_set(parameters, '{routeMaxima}', '{"B1": 16, "ALFA": 12}') WHERE code = 'GROUP_SIZE_EXCEEDED'`,
        );
      }
    });

    it('validates the period', async () => {
      const url = `${API}/reports/schools/${a.school.id}/compliance`;
      expect(
        (
          await t.http
            .get(url)
            .query({ from: '2024-01-01' })
            .set(...bearer(auditor))
            .expect(400)
        ).body.invalidParams[0].name,
      ).toBe('to');
      await t.http
        .get(url)
        .query({ from: '2024-02-01', to: '2024-01-31' })
        .set(...bearer(auditor))
        .expect(422);
      await t.http
        .get(`${API}/reports/schools/nope/compliance`)
        .query(period)
        .set(...bearer(auditor))
        .expect(400);
    });
  });

  describe('GET /reports/elip', () => {
    beforeAll(async () => {
      const kvk = a.school.kvkNumber;
      const learner = async (
        n: number,
        l: { cohort: number | null; obliged: boolean; termEndsOn: string },
        payments: [number, string][],
      ) => {
        const bsn = validBsn(500 + n);
        await t.sql(
          `UPDATE learners SET cohort_year = $2, still_obliged = $3, term_ends_on = $4, loan_limit_cents = 1000000 WHERE id = $1`,
          [await learnerId(t, bsn), l.cohort, l.obliged, l.termEndsOn],
        );
        for (const [amountCents, paidOn] of payments)
          await duoPayment(t, { bsn, schoolKvk: kvk, amountCents, paidOn });
      };
      // 2021: 10,000 used (the payment on the day counts) -> in; 8,600 used by the day (1,000 paid after it)
      // with the term ending within 12 months -> in; 8,000 with exactly 12 months left -> out.
      await learner(1, { cohort: 2021, obliged: true, termEndsOn: '2027-01-01' }, [
        [600_000, '2023-01-01'],
        [400_000, '2024-06-30'],
      ]);
      await learner(2, { cohort: 2021, obliged: true, termEndsOn: '2025-06-29' }, [
        [860_000, '2024-01-01'],
        [100_000, '2024-07-01'],
      ]);
      await learner(3, { cohort: 2021, obliged: true, termEndsOn: '2025-06-30' }, [[800_000, '2024-01-01']]);
      // 2022: exactly 9,500 -> in; no longer obliged -> out; 7,499.99 -> out.
      await learner(4, { cohort: 2022, obliged: true, termEndsOn: '2027-01-01' }, [[950_000, '2024-01-01']]);
      await learner(5, { cohort: 2022, obliged: false, termEndsOn: '2025-01-01' }, [
        [1_200_000, '2024-01-01'],
      ]);
      await learner(6, { cohort: 2022, obliged: true, termEndsOn: '2024-12-31' }, [[749_999, '2024-01-01']]);
      // No cohort known: 7,500 exactly, term ending in September -> in.
      await learner(7, { cohort: null, obliged: true, termEndsOn: '2024-09-01' }, [[750_000, '2024-01-01']]);
    });

    it('counts the ELIP group per cohort year on the day', async () => {
      const response = await t.http
        .get(`${API}/reports/elip`)
        .query({ date: '2024-06-30' })
        .set(...bearer(duo))
        .expect(200);
      expect(response.body).toEqual({
        date: '2024-06-30',
        cohorts: [
          { cohortYear: 2021, learners: 2, loanUsedAtLeast9500: 1, termEndingWithin12Months: 1 },
          { cohortYear: 2022, learners: 1, loanUsedAtLeast9500: 1, termEndingWithin12Months: 0 },
          { cohortYear: null, learners: 1, loanUsedAtLeast9500: 0, termEndingWithin12Months: 1 },
        ],
        total: 4,
      });
    });

    it('gives the same numbers as CSV', async () => {
      const response = await t.http
        .get(`${API}/reports/elip`)
        .query({ date: '2024-06-30' })
        .set('Accept', 'text/csv')
        .set(...bearer(duo))
        .expect(200);
      expect(response.text).toBe(
        'cohortYear,learners,loanUsedAtLeast9500,termEndingWithin12Months\r\n2021,2,1,1\r\n2022,1,1,0\r\n,1,0,1\r\n',
      );
    });

    it('is for DUO only and validates the date', async () => {
      await t.http
        .get(`${API}/reports/elip`)
        .query({ date: '2024-06-30' })
        .set(...bearer(auditor))
        .expect(403);
      await t.http
        .get(`${API}/reports/elip`)
        .query({ date: '2024-06-30' })
        .set(...bearer(a.schoolUser))
        .expect(403);
      expect(
        (
          await t.http
            .get(`${API}/reports/elip`)
            .query({ date: '30-06-2024' })
            .set(...bearer(duo))
            .expect(400)
        ).body.invalidParams[0].name,
      ).toBe('date');
    });
  });
});
