import { ExemptionsService } from '../src/exemptions/exemptions.service';
import { newDeclaration, newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { amsterdamDay, declaration, declarationFlag, duoPayment } from './support/review-fixtures';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

/** What the learner's paper says: school KvK, purpose, period, hours, issue date. */
interface Paper {
  schoolKvk: string;
  purpose: 'AGI' | 'ONA';
  periodStart: string;
  periodEnd: string;
  hours: number;
  issuedOn: string;
}

/**
 * DUO's verification as the minister described it: presented declarations matched against the register, step 3
 * routed in DOMAIN.md's order (one confirmation request per school, unknown or closed schools -> the learner),
 * and closed schools. Without a worker, so the flags on the declarations are exactly the ones a test plants.
 */
describe('presented declarations and the routing of step 3', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let duo: TestUser;
  let auditor: TestUser;
  let seq = 7000;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    [duo, auditor] = [await t.user('DUO'), await t.user('AUDITOR')];
  });
  afterAll(() => t.close());

  const newBsn = (): string => validBsn(seq++);
  const paper = (school: SchoolWithUser, over: Partial<Paper> = {}): Paper => ({
    schoolKvk: school.school.kvkNumber,
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-30',
    hours: 100,
    issuedOn: '2024-07-01',
    ...over,
  });
  const register = (body: object) =>
    t.http
      .post(`${API}/exemptions`)
      .set(...bearer(duo))
      .send({ grounds: 'MEDICAL', ...body });
  const show = async (id: string) =>
    (
      await t.http
        .get(`${API}/exemptions/${id}`)
        .set(...bearer(duo))
        .expect(200)
    ).body;
  const requestsOf = (user: TestUser) =>
    t.http
      .get(`${API}/confirmation-requests`)
      .set(...bearer(user))
      .expect(200)
      .then((r) => r.body.items as { id: string; declarationIds: string[]; status: string }[]);
  const answer = (user: TestUser, id: string, issued: boolean) =>
    t.http
      .post(`${API}/confirmation-requests/${id}/response`)
      .set(...bearer(user))
      .send({ issued });
  const statusOf = async (declarationId: string) =>
    (
      await t.sql<{ status: string }>(`SELECT status FROM hours_declarations WHERE id = $1`, [declarationId])
    )[0].status;

  describe('matching a presented declaration against the register', () => {
    it('uses the registered declaration when all five fields match; the response lists it and echoes the match', async () => {
      const bsn = newBsn();
      const registered = await newDeclaration(t, a.schoolUser, { learnerBsn: bsn, hours: 120.5 });
      await duoPayment(t, { bsn, schoolKvk: a.school.kvkNumber });
      const created = await register({
        learnerBsn: bsn,
        presentedDeclarations: [paper(a, { hours: 120.5 })],
      }).expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        status: 'READY_FOR_DECISION',
        declarationIds: [registered.id],
        presentedDeclarations: [
          { ...paper(a, { hours: 120.5 }), declarationId: registered.id, match: 'REGISTERED' },
        ],
      });
      expect((await show(created.body.id)).declarations).toEqual([
        expect.objectContaining({
          id: registered.id,
          source: 'SCHOOL',
          presentedAs: 'REGISTERED',
          knownAtDuo: true,
          schoolGone: false,
        }),
      ]);
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM hours_declarations WHERE source = 'PRESENTED' AND school_kvk = $1 AND hours = 120.5`,
        [a.school.kvkNumber],
      );
      expect(n).toBe(0);
    });

    it.each([
      ['purpose', { purpose: 'ONA' as const }],
      ['periodStart', { periodStart: '2024-01-02' }],
      ['periodEnd', { periodEnd: '2024-06-29' }],
      ['hours', { hours: 100.01 }],
      ['issuedOn', { issuedOn: '2024-07-02' }],
    ])(
      'records it as PRESENTED (NOT_REGISTERED) when only %s differs, and asks the school',
      async (_field, off) => {
        const bsn = newBsn();
        const registered = await newDeclaration(t, a.schoolUser, { learnerBsn: bsn });
        await duoPayment(t, { bsn, schoolKvk: a.school.kvkNumber });
        const created = await register({ learnerBsn: bsn, presentedDeclarations: [paper(a, off)] }).expect(
          201,
        );
        const [echo] = created.body.presentedDeclarations;
        expect(echo).toMatchObject({ ...paper(a, off), match: 'NOT_REGISTERED' });
        expect(echo.declarationId).not.toBe(registered.id);
        expect(created.body.declarationIds).toEqual([echo.declarationId]);
        // Known at DUO (a payment), but not in the register: the school is asked whether it issued it.
        expect(created.body.status).toBe('AWAITING_SCHOOL');
        const recorded = await t.http
          .get(`${API}/hours-declarations/${echo.declarationId}`)
          .set(...bearer(duo))
          .expect(200);
        expect(recorded.body).toMatchObject({
          source: 'PRESENTED',
          schoolId: a.school.id,
          schoolKvk: a.school.kvkNumber,
          bsn,
          ...Object.fromEntries(Object.entries(paper(a, off)).filter(([k]) => k !== 'schoolKvk')),
        });
        const requests = await requestsOf(a.schoolUser);
        expect(requests.find((r) => r.declarationIds.includes(echo.declarationId))).toMatchObject({
          status: 'PENDING',
        });
      },
    );

    it('records a declaration presented twice once, and a KvK that is no registered school for the KvK alone; the learner is asked at once', async () => {
      const bsn = newBsn();
      const unknownKvk = '55500011';
      const body = { learnerBsn: bsn, presentedDeclarations: [paper(a, { schoolKvk: unknownKvk })] };
      const first = await register(body).expect(201);
      expect(first.body.status).toBe('AWAITING_LEARNER_EVIDENCE');
      expect((await show(first.body.id)).timeline[0].reason).toMatch(/no registered school/);
      const id = first.body.presentedDeclarations[0].declarationId;
      const second = await register(body).expect(201);
      expect(second.body.presentedDeclarations[0]).toMatchObject({
        declarationId: id,
        match: 'NOT_REGISTERED',
      });
      const recorded = await t.http
        .get(`${API}/hours-declarations/${id}`)
        .set(...bearer(auditor))
        .expect(200);
      expect(recorded.body).toMatchObject({ source: 'PRESENTED', schoolId: null, schoolKvk: unknownKvk });
      expect(recorded.body.bsn).toBeUndefined();
      // No school sees it, and no school is asked.
      await t.http
        .get(`${API}/hours-declarations/${id}`)
        .set(...bearer(a.schoolUser))
        .expect(404);
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM confirmation_requests WHERE exemption_id = ANY($1::uuid[])`,
        [[first.body.id, second.body.id]],
      );
      expect(n).toBe(0);
      // The recording is audited as DUO's.
      const audit = await t.http
        .get(`${API}/audit-events`)
        .query({ subjectType: 'HOURS_DECLARATION', subjectId: id })
        .set(...bearer(auditor))
        .expect(200);
      expect(audit.body.items).toEqual([expect.objectContaining({ action: 'CREATE', actorId: duo.id })]);
      expect(JSON.stringify(audit.body)).not.toContain(bsn);
    });

    it('shows a school its own presented declarations, never another school’s (404)', async () => {
      const bsn = newBsn();
      const created = await register({ learnerBsn: bsn, presentedDeclarations: [paper(b)] }).expect(201);
      const id = created.body.presentedDeclarations[0].declarationId;
      const own = await t.http
        .get(`${API}/hours-declarations/${id}`)
        .set(...bearer(b.schoolUser))
        .expect(200);
      expect(own.body).toMatchObject({ source: 'PRESENTED', schoolId: b.school.id });
      expect(own.body.bsn).toBeUndefined();
      await t.http
        .get(`${API}/hours-declarations/${id}`)
        .set(...bearer(a.schoolUser))
        .expect(404);
      const listed = await t.http
        .get(`${API}/hours-declarations`)
        .query({ pageSize: 500 })
        .set(...bearer(a.schoolUser))
        .expect(200);
      expect(listed.body.items.map((d: { id: string }) => d.id)).not.toContain(id);
      expect((await requestsOf(a.schoolUser)).flatMap((r) => r.declarationIds)).not.toContain(id);
    });

    it('refuses bad presented declarations by field (400), an end before its start (422), and stores nothing', async () => {
      const bsn = newBsn();
      const before = await t.sql(
        `SELECT (SELECT count(*) FROM exemptions) AS e, (SELECT count(*) FROM hours_declarations) AS d`,
      );
      const bad = await register({
        learnerBsn: bsn,
        presentedDeclarations: [{ ...paper(a), schoolKvk: '123', hours: 0, purpose: 'XYZ', extra: 1 }],
      }).expect(400);
      expect(bad.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(
        [
          'presentedDeclarations.0.extra',
          'presentedDeclarations.0.hours',
          'presentedDeclarations.0.purpose',
          'presentedDeclarations.0.schoolKvk',
        ].sort(),
      );
      const none = await register({ learnerBsn: bsn, declarationIds: [], presentedDeclarations: [] }).expect(
        400,
      );
      expect(none.body.invalidParams).toEqual([expect.objectContaining({ name: 'declarationIds' })]);
      await register({ learnerBsn: bsn }).expect(400);
      const reversed = await register({
        learnerBsn: bsn,
        presentedDeclarations: [paper(a), paper(a, { periodStart: '2024-07-01', periodEnd: '2024-06-30' })],
      }).expect(422);
      expect(reversed.body.invalidParams[0].name).toBe('presentedDeclarations.1.periodEnd');
      expect(
        await t.sql(
          `SELECT (SELECT count(*) FROM exemptions) AS e, (SELECT count(*) FROM hours_declarations) AS d`,
        ),
      ).toEqual(before);
      expect(JSON.stringify([bad.body, reversed.body])).not.toContain(bsn);
    });
  });

  describe('step 3, in DOMAIN.md’s order', () => {
    it('asks each school concerned once, with all its declarations; READY only when every school confirmed', async () => {
      const bsn = newBsn();
      const a1 = await declaration(t, { schoolId: a.school.id, bsn, hours: 200 });
      const a2 = await declaration(t, {
        schoolId: a.school.id,
        bsn,
        hours: 200,
        periodStart: '2023-01-01',
        periodEnd: '2023-06-30',
        issuedOn: '2023-07-01',
      });
      const created = await register({
        learnerBsn: bsn,
        declarationIds: [a1, a2],
        presentedDeclarations: [paper(b, { hours: 250 })],
      }).expect(201);
      expect(created.body.status).toBe('AWAITING_SCHOOL');
      const presentedId = created.body.presentedDeclarations[0].declarationId;
      const shown = await show(created.body.id);
      expect(shown.confirmationRequests).toHaveLength(2);
      const forA = (await requestsOf(a.schoolUser)).find((r) => r.declarationIds.includes(a1))!;
      const forB = (await requestsOf(b.schoolUser)).find((r) => r.declarationIds.includes(presentedId))!;
      expect(forA.declarationIds.sort()).toEqual([a1, a2].sort());
      expect(forB.declarationIds).toEqual([presentedId]);
      await answer(a.schoolUser, forA.id, true).expect(200);
      expect((await show(created.body.id)).status).toBe('AWAITING_SCHOOL');
      await answer(b.schoolUser, forB.id, true).expect(200);
      expect((await show(created.body.id)).status).toBe('READY_FOR_DECISION');
    });

    it('refuses at once when one of two schools denies: only its declaration is rejected, with a forgery report', async () => {
      const bsn = newBsn();
      const fromA = await declaration(t, { schoolId: a.school.id, bsn, hours: 300 });
      const created = await register({
        learnerBsn: bsn,
        declarationIds: [fromA],
        presentedDeclarations: [
          paper(b, {
            hours: 300,
            periodStart: '2023-01-01',
            periodEnd: '2023-06-30',
            issuedOn: '2023-07-01',
          }),
        ],
      }).expect(201);
      const forged = created.body.presentedDeclarations[0].declarationId;
      const forA = (await requestsOf(a.schoolUser)).find((r) => r.declarationIds.includes(fromA))!;
      const forB = (await requestsOf(b.schoolUser)).find((r) => r.declarationIds.includes(forged))!;
      await answer(a.schoolUser, forA.id, true).expect(200);
      await answer(b.schoolUser, forB.id, false).expect(200);
      const final = await show(created.body.id);
      expect(final.status).toBe('REFUSED');
      expect(final.timeline.map((s: { action: string }) => s.action)).toEqual([
        'REGISTER',
        'SCHOOL_CONFIRMED',
        'SCHOOL_DENIED',
        'REFUSE',
      ]);
      expect(await statusOf(forged)).toBe('REJECTED');
      expect(await statusOf(fromA)).toBe('CHECKED');
      const reports = await t.sql<{ declaration_id: string; school_id: string }>(
        `SELECT declaration_id, school_id FROM forgery_reports WHERE exemption_id = $1`,
        [created.body.id],
      );
      expect(reports).toEqual([{ declaration_id: forged, school_id: b.school.id }]);
    });

    it('sends an irregularity (another open HIGH flag) to the learner before asking any school', async () => {
      const bsn = newBsn();
      const flagged = await declaration(t, { schoolId: a.school.id, bsn });
      await declarationFlag(t, flagged, a.school.id, { rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE' });
      const created = await register({
        learnerBsn: bsn,
        declarationIds: [flagged],
        presentedDeclarations: [paper(b)],
      }).expect(201);
      expect(created.body.status).toBe('AWAITING_LEARNER_EVIDENCE');
      expect((await show(created.body.id)).confirmationRequests).toEqual([]);
    });

    it('asks the school despite an open HIGH "no contract at DUO" flag: that is the question itself', async () => {
      const bsn = newBsn();
      const unbacked = await declaration(t, { schoolId: a.school.id, bsn });
      await declarationFlag(t, unbacked, a.school.id, { rule: 'DECLARATION_WITHOUT_DUO_CONTRACT' });
      const created = await register({ learnerBsn: bsn, declarationIds: [unbacked] }).expect(201);
      expect(created.body.status).toBe('AWAITING_SCHOOL');
    });

    it('sends a declaration of a closed school to the learner at once, and moves a waiting case when its school closes', async () => {
      const closing = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
      const bsn = newBsn();
      const waiting = await register({ learnerBsn: bsn, presentedDeclarations: [paper(closing)] }).expect(
        201,
      );
      expect(waiting.body.status).toBe('AWAITING_SCHOOL');
      await t.http
        .patch(`${API}/schools/${closing.school.id}`)
        .set(...bearer(auditor))
        .send({ closedOn: amsterdamDay(-1) })
        .expect(200);
      const later = await register({
        learnerBsn: bsn,
        presentedDeclarations: [paper(closing, { hours: 90 })],
      }).expect(201);
      expect(later.body.status).toBe('AWAITING_LEARNER_EVIDENCE');
      expect((await show(later.body.id)).declarations[0]).toMatchObject({
        schoolGone: true,
        source: 'PRESENTED',
      });
      await t.app.get(ExemptionsService).escalateStalled();
      const moved = await show(waiting.body.id);
      expect(moved.status).toBe('AWAITING_LEARNER_EVIDENCE');
      expect(moved.timeline.at(-1).reason).toMatch(/no longer exists/);
      expect(moved.confirmationRequests[0].status).toBe('CANCELLED');
    });
  });

  describe('closed schools', () => {
    it('records closedOn (AUDITOR, ADMIN; audited), shows it, and from the day after refuses every submission of its users (403)', async () => {
      const school = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
      const path = `${API}/schools/${school.school.id}`;
      for (const user of [duo, school.schoolUser]) {
        await t.http
          .patch(path)
          .set(...bearer(user))
          .send({ closedOn: '2024-01-01' })
          .expect(403);
      }
      const bad = await t.http
        .patch(path)
        .set(...bearer(auditor))
        .send({ closedOn: '01-01-2024' })
        .expect(400);
      expect(bad.body.invalidParams[0].name).toBe('closedOn');
      await t.http
        .patch(path)
        .set(...bearer(auditor))
        .send({})
        .expect(400);
      await t.http
        .patch(`${API}/schools/00000000-0000-4000-8000-000000000000`)
        .set(...bearer(auditor))
        .send({ closedOn: '2024-01-01' })
        .expect(404);
      expect(
        (
          await t.http
            .get(path)
            .set(...bearer(school.schoolUser))
            .expect(200)
        ).body.closedOn,
      ).toBeNull();

      // Closing today: the school still exists today.
      const today = await t.http
        .patch(path)
        .set(...bearer(auditor))
        .send({ closedOn: amsterdamDay(0) })
        .expect(200);
      expect(today.body.closedOn).toBe(amsterdamDay(0));
      await newDeclaration(t, school.schoolUser, { learnerBsn: newBsn() });

      await t.http
        .patch(path)
        .set(...bearer(await t.user('ADMIN')))
        .send({ closedOn: amsterdamDay(-1) })
        .expect(200);
      const bsn = newBsn();
      const writes: [string, object][] = [
        [
          '/hours-declarations',
          {
            learnerBsn: bsn,
            purpose: 'AGI',
            periodStart: '2024-01-01',
            periodEnd: '2024-06-30',
            hours: 10,
            issuedOn: '2024-07-01',
          },
        ],
        ['/teachers', { name: 'T', reference: 'T-closed', nt2Certified: true }],
        ['/groups', { code: 'G-closed', route: 'B1' }],
        [
          '/contracts',
          {
            learnerBsn: bsn,
            reference: 'C-closed',
            startDate: '2024-01-01',
            endDate: '2024-06-30',
            hours: 10,
            priceCents: 1000,
            funding: 'SELF',
          },
        ],
      ];
      for (const [route, body] of writes) {
        const refused = await t.http
          .post(`${API}${route}`)
          .set(...bearer(school.schoolUser))
          .send(body)
          .expect(403);
        expect(refused.body.detail).toMatch(/ceased to exist/);
      }
      await t.http
        .post(`${API}/lessons/imports`)
        .set(...bearer(school.schoolUser))
        .set('Content-Type', 'text/csv')
        .send('group_code,teacher_reference,starts_at,ends_at,bsn\n')
        .expect(403);
      // Its records stay readable.
      const read = await t.http
        .get(path)
        .set(...bearer(school.schoolUser))
        .expect(200);
      expect(read.body.closedOn).toBe(amsterdamDay(-1));
      await t.http
        .get(`${API}/hours-declarations`)
        .set(...bearer(school.schoolUser))
        .expect(200);
      const audit = await t.http
        .get(`${API}/audit-events`)
        .query({ subjectType: 'SCHOOL', subjectId: school.school.id })
        .set(...bearer(auditor))
        .expect(200);
      expect(
        audit.body.items
          .filter((e: { action: string }) => e.action === 'UPDATE')
          .map((e: { before: object; after: object }) => [e.before, e.after]),
      ).toEqual(
        expect.arrayContaining([
          [{ closedOn: null }, { closedOn: amsterdamDay(0) }],
          [{ closedOn: amsterdamDay(0) }, { closedOn: amsterdamDay(-1) }],
        ]),
      );
    });
  });
});
