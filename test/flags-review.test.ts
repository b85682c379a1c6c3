import { randomUUID } from 'node:crypto';
import { newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { declaration, flag } from './support/review-fixtures';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

describe('flag review', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let auditor: TestUser;
  let duo: TestUser;
  let admin: TestUser;
  const ids: Record<string, string> = {};
  const lessonOfB = randomUUID();

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    auditor = await t.user('AUDITOR');
    duo = await t.user('DUO');
    admin = await t.user('ADMIN');
    const declaration = randomUUID();
    ids.highNew = await flag(t, {
      rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
      subjectType: 'HOURS_DECLARATION',
      subjectId: declaration,
      schoolId: a.school.id,
      severity: 'HIGH',
      raisedAt: '2024-03-01T10:00:00Z',
      periodFrom: '2024-01-01',
      periodTo: '2024-02-29',
      evidence: {
        records: [
          { type: 'HOURS_DECLARATION', id: declaration, schoolId: a.school.id },
          { type: 'LESSON', id: lessonOfB, schoolId: b.school.id },
          { type: 'DUO_PAYMENT', id: randomUUID(), schoolId: null },
        ],
        declaredHours: 120,
        attendedHours: 80,
      },
    });
    ids.medium = await flag(t, {
      rule: 'DECLARED_HOURS_EXCEED_CONTRACT',
      subjectType: 'HOURS_DECLARATION',
      subjectId: declaration,
      schoolId: a.school.id,
      severity: 'MEDIUM',
      raisedAt: '2024-01-01T10:00:00Z',
    });
    ids.highOld = await flag(t, {
      rule: 'GROUP_SIZE_EXCEEDED',
      subjectType: 'LESSON',
      subjectId: randomUUID(),
      schoolId: a.school.id,
      severity: 'HIGH',
      raisedAt: '2024-02-01T10:00:00Z',
    });
    ids.ofB = await flag(t, {
      rule: 'GROUP_SIZE_EXCEEDED',
      subjectType: 'LESSON',
      subjectId: lessonOfB,
      schoolId: b.school.id,
      severity: 'LOW',
      raisedAt: '2024-02-15T10:00:00Z',
    });
    ids.learner = await flag(t, {
      rule: 'QUARTERLY_CAP_EXCEEDED',
      subjectType: 'LEARNER',
      subjectId: randomUUID(),
      schoolId: null,
      severity: 'MEDIUM',
      periodFrom: '2024-01-01',
      periodTo: '2024-03-31',
      raisedAt: '2024-04-02T10:00:00Z',
    });
    ids.withdrawn = await flag(t, {
      rule: 'TEACHER_DOUBLE_BOOKED',
      subjectType: 'LESSON',
      subjectId: randomUUID(),
      schoolId: b.school.id,
      status: 'WITHDRAWN',
      raisedAt: '2024-01-05T10:00:00Z',
    });
  });
  afterAll(() => t.close());

  const list = (user: TestUser, query: Record<string, string | number> = {}) =>
    t.http
      .get(`${API}/flags`)
      .query(query)
      .set(...bearer(user));
  const idsOf = (body: { items: { id: string }[] }) => body.items.map((f) => f.id);
  const assign = (user: TestUser, id: string, body: object = {}) =>
    t.http
      .post(`${API}/flags/${id}/assignment`)
      .set(...bearer(user))
      .send(body);
  const decide = (user: TestUser, id: string, body: object) =>
    t.http
      .post(`${API}/flags/${id}/decision`)
      .set(...bearer(user))
      .send(body);

  describe('lists', () => {
    it('sorts by severity (HIGH first), then age (oldest first)', async () => {
      const response = await list(auditor, { schoolId: a.school.id }).expect(200);
      expect(idsOf(response.body)).toEqual([ids.highOld, ids.highNew, ids.medium]);
      expect(response.body).toMatchObject({ page: 1, pageSize: 50, total: 3 });
      const all = await list(duo).expect(200);
      expect(idsOf(all.body)).toEqual([
        ids.withdrawn,
        ids.highOld,
        ids.highNew,
        ids.medium,
        ids.learner,
        ids.ofB,
      ]);
    });

    it('shows a flag with the fields of API.md', async () => {
      const response = await list(auditor, { rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE' }).expect(200);
      expect(response.body.items).toEqual([
        {
          id: ids.highNew,
          rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
          severity: 'HIGH',
          status: 'OPEN',
          schoolId: a.school.id,
          subjectType: 'HOURS_DECLARATION',
          subjectId: expect.any(String),
          period: { from: '2024-01-01', to: '2024-02-29' },
          explanation: expect.any(String),
          evidence: expect.objectContaining({ declaredHours: 120, attendedHours: 80 }),
          raisedAt: '2024-03-01T10:00:00.000Z',
          lastCheckedAt: expect.any(String),
          withdrawnAt: null,
          assigneeId: null,
          hearing: null,
        },
      ]);
      expect(response.body.items[0].evidence.records).toHaveLength(3);
    });

    it('filters by status, rule, severity, subject type, school and the day raised', async () => {
      expect(idsOf((await list(auditor, { status: 'WITHDRAWN' }).expect(200)).body)).toEqual([ids.withdrawn]);
      expect(idsOf((await list(auditor, { rule: 'GROUP_SIZE_EXCEEDED' }).expect(200)).body)).toEqual([
        ids.highOld,
        ids.ofB,
      ]);
      expect(idsOf((await list(auditor, { severity: 'MEDIUM' }).expect(200)).body)).toEqual([
        ids.medium,
        ids.learner,
      ]);
      expect(idsOf((await list(auditor, { subjectType: 'LEARNER' }).expect(200)).body)).toEqual([
        ids.learner,
      ]);
      expect(
        idsOf((await list(auditor, { schoolId: b.school.id, severity: 'LOW' }).expect(200)).body),
      ).toEqual([ids.ofB]);
      expect(
        idsOf((await list(auditor, { raisedFrom: '2024-02-01', raisedTo: '2024-03-01' }).expect(200)).body),
      ).toEqual([ids.highOld, ids.highNew, ids.ofB]);
    });

    it('pages', async () => {
      const response = await list(auditor, { page: 2, pageSize: 2 }).expect(200);
      expect(response.body).toMatchObject({ page: 2, pageSize: 2, total: 6 });
      expect(idsOf(response.body)).toEqual([ids.highNew, ids.medium]);
    });

    it('names each bad filter (400)', async () => {
      const response = await list(auditor, {
        severity: 'URGENT',
        schoolId: 'x',
        raisedFrom: '2024-13-01',
        status: 'NEW',
        pageSize: 501,
      }).expect(400);
      expect(response.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual([
        'pageSize',
        'raisedFrom',
        'schoolId',
        'severity',
        'status',
      ]);
    });
  });

  describe('what a school sees', () => {
    it("lists only its own school's flags, whatever schoolId it asks for", async () => {
      expect(idsOf((await list(a.schoolUser).expect(200)).body)).toEqual([
        ids.highOld,
        ids.highNew,
        ids.medium,
      ]);
      expect(idsOf((await list(a.schoolUser, { schoolId: b.school.id }).expect(200)).body)).toEqual([
        ids.highOld,
        ids.highNew,
        ids.medium,
      ]);
      expect(idsOf((await list(b.schoolUser).expect(200)).body)).toEqual([ids.withdrawn, ids.ofB]);
    });

    it("redacts the evidence to the school's own records and counts the rest", async () => {
      const response = await t.http
        .get(`${API}/flags/${ids.highNew}`)
        .set(...bearer(a.schoolUser))
        .expect(200);
      expect(response.body.evidence).toEqual({
        records: [{ type: 'HOURS_DECLARATION', id: expect.any(String), schoolId: a.school.id }],
        redactedRecords: 2,
        declaredHours: 120,
        attendedHours: 80,
      });
      expect(JSON.stringify(response.body)).not.toContain(b.school.id);
      expect(JSON.stringify(response.body)).not.toContain(lessonOfB);
      const listed = (await list(a.schoolUser, { rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE' }).expect(200)).body
        .items[0];
      expect(listed.evidence.redactedRecords).toBe(2);
    });

    it("answers 404 for another school's flag and for flags that belong to no school", async () => {
      await t.http
        .get(`${API}/flags/${ids.ofB}`)
        .set(...bearer(a.schoolUser))
        .expect(404);
      await t.http
        .get(`${API}/flags/${ids.learner}`)
        .set(...bearer(a.schoolUser))
        .expect(404);
      await t.http
        .get(`${API}/flags/${ids.learner}`)
        .set(...bearer(auditor))
        .expect(200);
      await t.http
        .get(`${API}/flags/${randomUUID()}`)
        .set(...bearer(auditor))
        .expect(404);
      await t.http
        .get(`${API}/flags/not-a-uuid`)
        .set(...bearer(auditor))
        .expect(400);
    });

    it('may not assign or decide (403)', async () => {
      await assign(a.schoolUser, ids.highNew).expect(403);
      await decide(a.schoolUser, ids.highNew, { outcome: 'DISMISSED', reason: 'we disagree' }).expect(403);
    });
  });

  describe('assignment and decision', () => {
    const fresh = (severity: 'HIGH' | 'LOW' = 'HIGH', status = 'OPEN') =>
      flag(t, {
        rule: 'LEARNER_DOUBLE_BOOKED',
        subjectType: 'LESSON',
        subjectId: randomUUID(),
        schoolId: a.school.id,
        severity,
        status,
      });

    it('assigns a flag to the caller by default and puts it IN_REVIEW', async () => {
      const id = await fresh();
      const response = await assign(auditor, id).expect(200);
      expect(response.body).toMatchObject({ id, status: 'IN_REVIEW', assigneeId: auditor.id });
      expect(response.body.decision).toBeUndefined();
      // Re-assigning a flag in review is allowed.
      expect((await assign(duo, id).expect(200)).body.assigneeId).toBe(duo.id);
    });

    it('lets only ADMIN assign another reviewer, and only a reviewer (422 naming assigneeId)', async () => {
      const id = await fresh();
      expect((await assign(admin, id, { assigneeId: auditor.id }).expect(200)).body).toMatchObject({
        status: 'IN_REVIEW',
        assigneeId: auditor.id,
      });
      await assign(auditor, id, { assigneeId: duo.id }).expect(403);
      for (const assigneeId of [a.schoolUser.id, randomUUID()]) {
        const response = await assign(admin, id, { assigneeId }).expect(422);
        expect(response.body.invalidParams).toEqual([expect.objectContaining({ name: 'assigneeId' })]);
      }
      expect((await assign(admin, id, { assigneeId: 'me' }).expect(400)).body.invalidParams[0].name).toBe(
        'assigneeId',
      );
      const shown = await t.http
        .get(`${API}/flags/${id}`)
        .set(...bearer(auditor))
        .expect(200);
      expect(shown.body.assigneeId).toBe(auditor.id);
    });

    it('decides a flag with a reason, from OPEN or IN_REVIEW', async () => {
      const open = await fresh();
      const response = await decide(duo, open, {
        outcome: 'DISMISSED',
        reason: 'the lessons were in different rooms of one building',
      }).expect(200);
      expect(response.body).toMatchObject({
        status: 'DISMISSED',
        decision: {
          outcome: 'DISMISSED',
          reason: 'the lessons were in different rooms of one building',
          decidedBy: duo.id,
          decidedAt: expect.any(String),
        },
      });
      // Not HIGH: one reviewer decides alone (HIGH takes a hearing and four eyes: flags-case-work.test.ts).
      const inReview = await fresh('LOW');
      await assign(auditor, inReview).expect(200);
      expect(
        (
          await decide(auditor, inReview, {
            outcome: 'CONFIRMED',
            reason: 'double booking confirmed on site',
          }).expect(200)
        ).body.status,
      ).toBe('CONFIRMED');
    });

    it('requires a reason and a known outcome (400 naming the field)', async () => {
      const id = await fresh();
      expect((await decide(auditor, id, { outcome: 'CONFIRMED' }).expect(400)).body.invalidParams).toEqual([
        expect.objectContaining({ name: 'reason' }),
      ]);
      for (const reason of ['', ' \n ']) {
        const response = await decide(auditor, id, { outcome: 'CONFIRMED', reason }).expect(400);
        expect(response.body.invalidParams[0].name).toBe('reason');
      }
      expect(
        (await decide(auditor, id, { outcome: 'MAYBE', reason: 'x' }).expect(400)).body.invalidParams[0].name,
      ).toBe('outcome');
      expect(
        (
          await t.http
            .get(`${API}/flags/${id}`)
            .set(...bearer(auditor))
            .expect(200)
        ).body.status,
      ).toBe('OPEN');
    });

    it('puts a declaration back to CHECKED when its last flag is dismissed, and keeps it FLAGGED when confirmed', async () => {
      const dismissed = await declaration(t, { schoolId: a.school.id, bsn: validBsn(1), status: 'FLAGGED' });
      const confirmed = await declaration(t, { schoolId: a.school.id, bsn: validBsn(2), status: 'FLAGGED' });
      const onDeclaration = (subjectId: string) =>
        flag(t, {
          rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
          subjectType: 'HOURS_DECLARATION',
          subjectId,
          schoolId: a.school.id,
          severity: 'MEDIUM',
        });
      await decide(auditor, await onDeclaration(dismissed), {
        outcome: 'DISMISSED',
        reason: 'attendance list was incomplete',
      }).expect(200);
      await decide(auditor, await onDeclaration(confirmed), {
        outcome: 'CONFIRMED',
        reason: 'lessons not given',
      }).expect(200);
      const statuses = await t.sql<{ id: string; status: string }>(
        `SELECT id, status FROM hours_declarations WHERE id = ANY($1)`,
        [[dismissed, confirmed]],
      );
      expect(Object.fromEntries(statuses.map((d) => [d.id, d.status]))).toEqual({
        [dismissed]: 'CHECKED',
        [confirmed]: 'FLAGGED',
      });
    });

    it('refuses to assign or decide a decided or withdrawn flag (422)', async () => {
      const decided = await fresh('LOW');
      await decide(auditor, decided, { outcome: 'CONFIRMED', reason: 'seen' }).expect(200);
      await decide(auditor, decided, { outcome: 'DISMISSED', reason: 'second thoughts' }).expect(422);
      await assign(auditor, decided).expect(422);
      const withdrawn = await fresh('HIGH', 'WITHDRAWN');
      await assign(auditor, withdrawn).expect(422);
      await decide(auditor, withdrawn, { outcome: 'CONFIRMED', reason: 'x' }).expect(422);
      const shown = await t.http
        .get(`${API}/flags/${decided}`)
        .set(...bearer(auditor))
        .expect(200);
      expect(shown.body.decision).toMatchObject({ outcome: 'CONFIRMED', reason: 'seen' });
    });

    it('shows the history and audits every step with who, when, before and after', async () => {
      const id = await fresh('LOW');
      await assign(admin, id, { assigneeId: auditor.id }).expect(200);
      await decide(auditor, id, { outcome: 'CONFIRMED', reason: 'confirmed' }).expect(200);
      const shown = await t.http
        .get(`${API}/flags/${id}`)
        .set(...bearer(duo))
        .expect(200);
      expect(
        shown.body.history.map((e: { action: string; actorId: string | null }) => [e.action, e.actorId]),
      ).toEqual([
        ['RAISED', null],
        ['ASSIGNED', admin.id],
        ['DECIDED', auditor.id],
      ]);
      const audit = await t.http
        .get(`${API}/audit-events`)
        .query({ subjectType: 'FLAG', subjectId: id })
        .set(...bearer(auditor))
        .expect(200);
      expect([...audit.body.items].reverse()).toEqual([
        expect.objectContaining({
          action: 'ASSIGNED',
          actorId: admin.id,
          at: expect.any(String),
          before: expect.objectContaining({ status: 'OPEN', assigneeId: null }),
          after: expect.objectContaining({ status: 'IN_REVIEW', assigneeId: auditor.id }),
        }),
        expect.objectContaining({
          action: 'DECIDED',
          actorId: auditor.id,
          before: expect.objectContaining({ status: 'IN_REVIEW' }),
          after: expect.objectContaining({
            status: 'CONFIRMED',
            decisionOutcome: 'CONFIRMED',
            decisionReason: 'confirmed',
          }),
        }),
      ]);
      const asSchool = await t.http
        .get(`${API}/flags/${id}`)
        .set(...bearer(a.schoolUser))
        .expect(200);
      expect(asSchool.body.history.map((e: { action: string }) => e.action)).toEqual([
        'RAISED',
        'ASSIGNED',
        'DECIDED',
      ]);
      expect(asSchool.body.history[1].details).toBeUndefined();
    });
  });
});
