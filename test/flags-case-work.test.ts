import { randomUUID } from 'node:crypto';
import { amsterdamToday } from '../src/common/calendar';
import { newSchoolWithUser, SchoolWithUser } from './support/factories';
import { flag } from './support/review-fixtures';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

/** A day `days` from today (Europe/Amsterdam), as YYYY-MM-DD. */
const dayFromToday = (days: number): string => {
  const day = new Date(`${amsterdamToday()}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
};

describe('case work on flags: hearing both sides (hoor en wederhoor) and four eyes', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let auditor: TestUser;
  let secondAuditor: TestUser;
  let duo: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    auditor = await t.user('AUDITOR');
    secondAuditor = await t.user('AUDITOR');
    duo = await t.user('DUO');
  });
  afterAll(() => t.close());

  const onSchool = (schoolId: string, severity: 'HIGH' | 'MEDIUM' = 'HIGH') =>
    flag(t, {
      rule: 'LEARNER_DOUBLE_BOOKED',
      subjectType: 'LESSON',
      subjectId: randomUUID(),
      schoolId,
      severity,
    });
  const onLearner = () =>
    flag(t, {
      rule: 'LOAN_LIMIT_EXCEEDED',
      subjectType: 'LEARNER',
      subjectId: randomUUID(),
      schoolId: null,
      severity: 'HIGH',
    });
  const post = (user: TestUser, path: string, body: unknown) =>
    t.http
      .post(`${API}${path}`)
      .set(...bearer(user))
      .send(body as object);
  const get = (user: TestUser, path: string) => t.http.get(`${API}${path}`).set(...bearer(user));
  const askHearing = (id: string, user = auditor, dueOn = dayFromToday(14)) =>
    post(user, `/flags/${id}/hearing`, { dueOn, question: 'Waren beide lessen op dezelfde tijd?' });
  const answer = (id: string, user = a.schoolUser, statement = 'De lessen waren op verschillende dagen.') =>
    post(user, `/flags/${id}/hearing/response`, { statement });
  const confirm = (id: string, user = auditor) =>
    post(user, `/flags/${id}/decision`, { outcome: 'CONFIRMED', reason: 'dubbele boeking vastgesteld' });
  const approve = (id: string, user: TestUser, approved = true, reason?: string) =>
    post(user, `/flags/${id}/decision/approval`, { approved, ...(reason ? { reason } : {}) });
  /** Moves a hearing's due date into the past: the only way to let time pass in a test. */
  const letDueDatePass = (id: string) =>
    t.sql(`UPDATE flags SET hearing_due_on = $2 WHERE id = $1`, [id, dayFromToday(-1)]);

  describe('the hearing', () => {
    it("asks the flag's school for its view, which the school answers once", async () => {
      const id = await onSchool(a.school.id);
      const asked = await askHearing(id).expect(201);
      expect(asked.body.hearing).toEqual({
        question: 'Waren beide lessen op dezelfde tijd?',
        requestedAt: expect.any(String),
        dueOn: dayFromToday(14),
        statement: null,
        respondedAt: null,
      });
      const answered = await answer(id).expect(201);
      expect(answered.body.hearing).toMatchObject({
        statement: 'De lessen waren op verschillende dagen.',
        respondedAt: expect.any(String),
      });
      const again = await answer(id, a.schoolUser, 'Nog iets.').expect(409);
      expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
      expect((await get(auditor, `/flags/${id}`).expect(200)).body.hearing.statement).toBe(
        'De lessen waren op verschillende dagen.',
      );
    });

    it('asks once per flag (409) and only about a school (422 for a flag on no school)', async () => {
      const id = await onSchool(a.school.id);
      await askHearing(id).expect(201);
      expect((await askHearing(id, duo).expect(409)).body.invalidParams[0].name).toBe('hearing');
      const learnerFlag = await onLearner();
      expect((await askHearing(learnerFlag).expect(422)).body.invalidParams[0].name).toBe('schoolId');
    });

    it('refuses bad input with the field named, and stores nothing', async () => {
      const id = await onSchool(a.school.id);
      const cases: [unknown, string][] = [
        [{ dueOn: dayFromToday(-1), question: 'x?' }, 'dueOn'],
        [{ dueOn: '2026-02-30', question: 'x?' }, 'dueOn'],
        [{ question: 'x?' }, 'dueOn'],
        [{ dueOn: dayFromToday(7), question: '  ' }, 'question'],
        [{ dueOn: dayFromToday(7), question: 'x'.repeat(4001) }, 'question'],
        [{ dueOn: dayFromToday(7), question: 'x?', extra: 1 }, 'extra'],
      ];
      for (const [body, field] of cases) {
        const response = await post(auditor, `/flags/${id}/hearing`, body).expect(400);
        expect(response.body.invalidParams.map((p: { name: string }) => p.name)).toContain(field);
      }
      await askHearing(id).expect(201);
      for (const [body, field] of [
        [{ statement: '' }, 'statement'],
        [{}, 'statement'],
        [{ statement: 42 }, 'statement'],
      ] as [unknown, string][]) {
        const response = await post(a.schoolUser, `/flags/${id}/hearing/response`, body).expect(400);
        expect(response.body.invalidParams[0].name).toBe(field);
      }
      const shown = (await get(auditor, `/flags/${id}`).expect(200)).body;
      expect(shown.hearing).toMatchObject({ statement: null, respondedAt: null });
      const steps = (await get(auditor, `/flags/${id}/timeline`).expect(200)).body.map(
        (s: { action: string }) => s.action,
      );
      expect(steps).toEqual(['RAISED', 'HEARING_REQUESTED']);
    });

    it('lets only reviewers ask, only the own school answer, and not after the due date', async () => {
      const id = await onSchool(a.school.id);
      await askHearing(id, a.schoolUser).expect(403);
      await askHearing(id).expect(201);
      await answer(id, auditor).expect(403);
      await answer(id, b.schoolUser).expect(404);
      await answer(await onSchool(a.school.id)).expect(422);
      await letDueDatePass(id);
      expect((await answer(id).expect(422)).body.invalidParams[0].name).toBe('hearing');
    });

    it('lists the hearings awaiting an answer, a school only its own', async () => {
      const ofA = await onSchool(a.school.id);
      const ofB = await onSchool(b.school.id);
      const answeredOfA = await onSchool(a.school.id);
      const pastDueOfA = await onSchool(a.school.id);
      for (const id of [ofA, ofB, answeredOfA, pastDueOfA]) await askHearing(id).expect(201);
      await answer(answeredOfA).expect(201);
      await letDueDatePass(pastDueOfA);
      const ids = async (user: TestUser) =>
        (await get(user, `/flags?hearing=OPEN&pageSize=500`).expect(200)).body.items.map(
          (f: { id: string }) => f.id,
        );
      const forA = await ids(a.schoolUser);
      expect(forA).toContain(ofA);
      expect(forA).not.toContain(ofB);
      expect(forA).not.toContain(answeredOfA);
      expect(forA).not.toContain(pastDueOfA);
      expect(await ids(auditor)).toEqual(expect.arrayContaining([ofA, ofB]));
      expect((await get(auditor, '/flags?hearing=CLOSED').expect(400)).body.invalidParams[0].name).toBe(
        'hearing',
      );
    });
  });

  describe('the hearing gate', () => {
    it("refuses to confirm a HIGH flag on a school's record before the school was heard (422 naming hearing)", async () => {
      const id = await onSchool(a.school.id);
      const unasked = await confirm(id).expect(422);
      expect(unasked.body.invalidParams[0].name).toBe('hearing');
      expect(unasked.body.detail).toMatch(/heard/);
      await askHearing(id).expect(201);
      expect((await confirm(id).expect(422)).body.detail).toMatch(/unanswered until/);
      expect((await get(auditor, `/flags/${id}`).expect(200)).body).toMatchObject({ status: 'OPEN' });
    });

    it('lets the confirmation be proposed once the school answered, or once the due date passed unanswered', async () => {
      const answered = await onSchool(a.school.id);
      await askHearing(answered).expect(201);
      await answer(answered).expect(201);
      await confirm(answered).expect(202);
      const silent = await onSchool(a.school.id);
      await askHearing(silent).expect(201);
      await letDueDatePass(silent);
      await confirm(silent).expect(202);
    });

    it('needs no hearing to dismiss, to confirm a lower severity, or for a flag on no school', async () => {
      await post(auditor, `/flags/${await onSchool(a.school.id)}/decision`, {
        outcome: 'DISMISSED',
        reason: 'lessen op verschillende dagen',
      }).expect(200);
      expect((await confirm(await onSchool(a.school.id, 'MEDIUM')).expect(200)).body.status).toBe(
        'CONFIRMED',
      );
      await confirm(await onLearner()).expect(202);
    });
  });

  describe('four eyes', () => {
    const heardFlag = async () => {
      const id = await onSchool(a.school.id);
      await askHearing(id).expect(201);
      await answer(id).expect(201);
      return id;
    };

    it('proposes a HIGH confirmation (202) that a second reviewer approves; both are in the timeline and the audit log', async () => {
      const id = await heardFlag();
      const proposed = await confirm(id).expect(202);
      expect(proposed.body).toMatchObject({
        status: 'IN_REVIEW',
        assigneeId: auditor.id,
        pendingDecision: {
          outcome: 'CONFIRMED',
          reason: 'dubbele boeking vastgesteld',
          proposedBy: auditor.id,
          proposedAt: expect.any(String),
        },
      });
      expect(proposed.body.decision).toBeUndefined();

      const approved = await approve(id, duo, true, 'eens').expect(200);
      expect(approved.body.status).toBe('CONFIRMED');
      expect(approved.body.pendingDecision).toBeUndefined();
      expect(approved.body.decision).toMatchObject({
        outcome: 'CONFIRMED',
        reason: 'dubbele boeking vastgesteld',
        decidedBy: auditor.id,
        approvedBy: duo.id,
      });
      // The approval is what made the decision take effect: one moment for both.
      expect(approved.body.decision.approvedAt).toBe(approved.body.decision.decidedAt);

      const timeline = (await get(secondAuditor, `/flags/${id}/timeline`).expect(200)).body;
      expect(timeline.map((s: { action: string; by: string | null }) => [s.action, s.by])).toEqual([
        ['RAISED', null],
        ['HEARING_REQUESTED', auditor.id],
        ['HEARING_ANSWERED', a.schoolUser.id],
        ['DECISION_PROPOSED', auditor.id],
        ['DECISION_APPROVED', duo.id],
        ['DECIDED', duo.id],
      ]);
      const times = timeline.map((s: { at: string }) => Date.parse(s.at));
      expect([...times].sort((x, y) => x - y)).toEqual(times);

      const audit = await get(auditor, `/audit-events?subjectType=FLAG&subjectId=${id}`).expect(200);
      const steps = [...audit.body.items]
        .reverse()
        .map((e: { action: string; actorId: string }) => [e.action, e.actorId]);
      expect(steps).toEqual([
        ['HEARING_REQUESTED', auditor.id],
        ['HEARING_ANSWERED', a.schoolUser.id],
        ['DECISION_PROPOSED', auditor.id],
        ['DECISION_APPROVED', duo.id],
      ]);
    });

    it('never lets the proposer approve (403), and refuses a second decision while one is pending (422)', async () => {
      const id = await heardFlag();
      await confirm(id).expect(202);
      expect((await approve(id, auditor).expect(403)).body.detail).toMatch(/four eyes/i);
      expect((await confirm(id, secondAuditor).expect(422)).body.invalidParams[0].name).toBe(
        'pendingDecision',
      );
      await post(secondAuditor, `/flags/${id}/decision`, { outcome: 'DISMISSED', reason: 'x' }).expect(422);
      await approve(id, a.schoolUser).expect(403);
      expect((await get(auditor, `/flags/${id}`).expect(200)).body).toMatchObject({
        status: 'IN_REVIEW',
        pendingDecision: { proposedBy: auditor.id },
      });
    });

    it('returns a rejected proposal to review without a pending decision', async () => {
      const id = await heardFlag();
      await confirm(id).expect(202);
      const rejected = await approve(id, secondAuditor, false, 'bewijs onvoldoende').expect(200);
      expect(rejected.body.status).toBe('IN_REVIEW');
      expect(rejected.body.pendingDecision).toBeUndefined();
      expect(rejected.body.decision).toBeUndefined();
      const last = (await get(auditor, `/flags/${id}/timeline`).expect(200)).body.pop();
      expect(last).toMatchObject({
        action: 'DECISION_REJECTED',
        by: secondAuditor.id,
        details: expect.objectContaining({
          about: expect.objectContaining({ rejectionReason: 'bewijs onvoldoende' }),
        }),
      });
      // It can be proposed again, and then approved by someone else.
      await confirm(id, secondAuditor).expect(202);
      expect((await approve(id, auditor).expect(200)).body.decision).toMatchObject({
        decidedBy: secondAuditor.id,
        approvedBy: auditor.id,
      });
    });

    it('refuses an approval without a proposal (422) or with a malformed body (400 naming approved)', async () => {
      const id = await heardFlag();
      expect((await approve(id, duo).expect(422)).body.invalidParams[0].name).toBe('pendingDecision');
      await confirm(id).expect(202);
      for (const body of [{}, { approved: 'yes' }, { approved: 1 }]) {
        const response = await post(duo, `/flags/${id}/decision/approval`, body).expect(400);
        expect(response.body.invalidParams[0].name).toBe('approved');
      }
      expect((await get(auditor, `/flags/${id}`).expect(200)).body.status).toBe('IN_REVIEW');
    });

    it('settles two parallel approvals once: one 200, the other 422, one DECIDED step', async () => {
      const id = await heardFlag();
      await confirm(id).expect(202);
      const responses = await Promise.all([approve(id, duo), approve(id, secondAuditor)]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 422]);
      const decided = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM flag_events WHERE flag_id = $1 AND action = 'DECIDED'`,
        [id],
      );
      expect(decided[0].n).toBe(1);
    });
  });

  describe("the school's view of the timeline", () => {
    it("shows its own flag, with the question, its answer and the outcome, but no other organisation's user ids", async () => {
      const id = await onSchool(a.school.id);
      await askHearing(id).expect(201);
      await answer(id).expect(201);
      await confirm(id).expect(202);
      await approve(id, duo).expect(200);
      const timeline = (await get(a.schoolUser, `/flags/${id}/timeline`).expect(200)).body;
      expect(timeline).toEqual([
        { at: expect.any(String), action: 'RAISED', by: null, details: null },
        {
          at: expect.any(String),
          action: 'HEARING_REQUESTED',
          by: null,
          details: { question: 'Waren beide lessen op dezelfde tijd?', dueOn: dayFromToday(14) },
        },
        {
          at: expect.any(String),
          action: 'HEARING_ANSWERED',
          by: a.schoolUser.id,
          details: { statement: 'De lessen waren op verschillende dagen.' },
        },
        { at: expect.any(String), action: 'DECISION_PROPOSED', by: null, details: null },
        { at: expect.any(String), action: 'DECISION_APPROVED', by: null, details: null },
        {
          at: expect.any(String),
          action: 'DECIDED',
          by: null,
          details: { outcome: 'CONFIRMED', reason: 'dubbele boeking vastgesteld' },
        },
      ]);
      expect(JSON.stringify(timeline)).not.toContain(auditor.id);
      expect(JSON.stringify(timeline)).not.toContain(duo.id);
      const flagAsSchool = (await get(a.schoolUser, `/flags/${id}`).expect(200)).body;
      expect(flagAsSchool.hearing.statement).toBe('De lessen waren op verschillende dagen.');
    });

    it("gives another school's flag a 404 on every case-work endpoint", async () => {
      const id = await onSchool(a.school.id);
      await askHearing(id).expect(201);
      await get(b.schoolUser, `/flags/${id}/timeline`).expect(404);
      await answer(id, b.schoolUser).expect(404);
      await get(auditor, `/flags/${randomUUID()}/timeline`).expect(404);
      await get(auditor, `/flags/not-a-uuid/timeline`).expect(400);
    });
  });
});
