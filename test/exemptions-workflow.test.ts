import { ExemptionsService } from '../src/exemptions/exemptions.service';
import { JobName, queueOfJob } from '../src/queue/job-catalogue';
import { JobQueue } from '../src/queue/job-queue.service';
import { newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { amsterdamDay, declaration, declarationFlag, duoPayment } from './support/review-fixtures';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
type Status =
  | 'READY_FOR_DECISION'
  | 'AWAITING_SCHOOL'
  | 'AWAITING_LEARNER_EVIDENCE'
  | 'INTENDED_REFUSAL'
  | 'GRANTED'
  | 'REFUSED';

describe('exemption workflow (ontheffingen)', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let duo: TestUser;
  let auditor: TestUser;
  let bsnSeq = 100;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    duo = await t.user('DUO');
    auditor = await t.user('AUDITOR');
  });
  afterAll(() => t.close());

  const newBsn = (): string => validBsn(bsnSeq++);

  /** A learner with one declaration of school A, backed by a DUO payment unless `backed` is false. */
  async function learnerWithDeclaration(
    options: { backed?: boolean; hours?: number; school?: SchoolWithUser } = {},
  ) {
    const bsn = newBsn();
    const school = options.school ?? a;
    const declarationId = await declaration(t, {
      schoolId: school.school.id,
      bsn,
      hours: options.hours ?? 100,
    });
    if (options.backed !== false) await duoPayment(t, { bsn, schoolKvk: school.school.kvkNumber });
    return { bsn, declarationId };
  }

  const register = (body: object) =>
    t.http
      .post(`${API}/exemptions`)
      .set(...bearer(duo))
      .send(body);
  const act = (id: string, body: object) =>
    t.http
      .post(`${API}/exemptions/${id}/actions`)
      .set(...bearer(duo))
      .send(body);
  const show = async (id: string) =>
    (
      await t.http
        .get(`${API}/exemptions/${id}`)
        .set(...bearer(duo))
        .expect(200)
    ).body;
  const declarationStatus = async (id: string) =>
    (await t.sql<{ status: string }>(`SELECT status FROM hours_declarations WHERE id = $1`, [id]))[0].status;
  const requestsOf = async (exemptionId: string) =>
    t.sql<{ id: string; status: string; due_on: string }>(
      `SELECT id, status, to_char(due_on, 'YYYY-MM-DD') AS due_on FROM confirmation_requests WHERE exemption_id = $1`,
      [exemptionId],
    );

  /** A fresh MEDICAL exemption driven to `status` through the API (MEDICAL: no AGI conditions on GRANT). */
  async function exemptionIn(status: Status): Promise<string> {
    const backed = status !== 'AWAITING_SCHOOL';
    const { bsn, declarationId } = await learnerWithDeclaration({ backed });
    const created = await register({
      learnerBsn: bsn,
      grounds: 'MEDICAL',
      declarationIds: [declarationId],
    }).expect(201);
    const id = created.body.id as string;
    const steps: Record<Status, object[]> = {
      READY_FOR_DECISION: [],
      AWAITING_SCHOOL: [],
      AWAITING_LEARNER_EVIDENCE: [{ action: 'REQUEST_LEARNER_EVIDENCE' }],
      INTENDED_REFUSAL: [{ action: 'ANNOUNCE_INTENDED_REFUSAL', reason: 'no medical certificate' }],
      GRANTED: [{ action: 'GRANT', reason: 'medical certificate holds' }],
      REFUSED: [{ action: 'REFUSE', reason: 'no medical certificate' }],
    };
    for (const step of steps[status]) await act(id, step).expect(200);
    expect((await show(id)).status).toBe(status);
    return id;
  }

  describe('registration and the immediate check', () => {
    it('puts a request whose declarations all have a contract at DUO and no open HIGH flag in READY_FOR_DECISION', async () => {
      const { bsn, declarationId } = await learnerWithDeclaration();
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds: [declarationId],
        examAttempts: 3,
      }).expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        status: 'READY_FOR_DECISION',
        declarationIds: [declarationId],
        presentedDeclarations: [],
      });
      expect(await requestsOf(created.body.id)).toEqual([]);
      const shown = await show(created.body.id);
      expect(shown).toMatchObject({
        status: 'READY_FOR_DECISION',
        grounds: 'AGI',
        declarationIds: [declarationId],
        bsn,
        bsnMasked: `*****${bsn.slice(-4)}`,
      });
      expect(shown.timeline).toEqual([
        expect.objectContaining({ action: 'REGISTER', by: duo.id, statusAfter: 'READY_FOR_DECISION' }),
      ]);
    });

    it('asks the school about a declaration without a contract at DUO, due in 28 days (AWAITING_SCHOOL)', async () => {
      const backed = await learnerWithDeclaration();
      const unbacked = await declaration(t, { schoolId: b.school.id, bsn: backed.bsn, hours: 50 });
      const created = await register({
        learnerBsn: backed.bsn,
        grounds: 'AGI',
        declarationIds: [backed.declarationId, unbacked],
      }).expect(201);
      expect(created.body.status).toBe('AWAITING_SCHOOL');
      const requests = await t.sql<{
        declaration_id: string;
        school_id: string;
        due_on: string;
        status: string;
      }>(
        `SELECT c.declaration_id, r.school_id, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.status
           FROM confirmation_requests r JOIN confirmation_request_declarations c ON c.confirmation_request_id = r.id
          WHERE r.exemption_id = $1`,
        [created.body.id],
      );
      expect(requests).toEqual([
        { declaration_id: unbacked, school_id: b.school.id, due_on: amsterdamDay(28), status: 'PENDING' },
      ]);
    });

    it('takes the answer period from the confirmationDays parameter of DECLARATION_WITHOUT_DUO_CONTRACT', async () => {
      await t.sql(
        `INSERT INTO rules (code, description, subject_type, default_severity, severity, parameters)
         VALUES ('DECLARATION_WITHOUT_DUO_CONTRACT', 'x', 'HOURS_DECLARATION', 'HIGH', 'HIGH', '{"confirmationDays": 10}')
         ON CONFLICT (code) DO UPDATE SET parameters = rules.parameters || '{"confirmationDays": 10}'`,
      );
      try {
        const { bsn, declarationId } = await learnerWithDeclaration({ backed: false });
        const created = await register({
          learnerBsn: bsn,
          grounds: 'AGI',
          declarationIds: [declarationId],
        }).expect(201);
        expect((await requestsOf(created.body.id)).map((r) => r.due_on)).toEqual([amsterdamDay(10)]);
      } finally {
        await t.sql(
          `UPDATE rules SET parameters = parameters - 'confirmationDays' WHERE code = 'DECLARATION_WITHOUT_DUO_CONTRACT'`,
        );
      }
    });

    it('sends a request with an open HIGH flag on a declaration to the learner for evidence', async () => {
      const { bsn, declarationId } = await learnerWithDeclaration();
      await declarationFlag(t, declarationId, a.school.id, { rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE' });
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds: [declarationId],
      }).expect(201);
      expect(created.body.status).toBe('AWAITING_LEARNER_EVIDENCE');
      expect((await show(created.body.id)).timeline[0].reason).toMatch(/HIGH flag/);
    });

    it('does not hold a request up for a decided or low flag', async () => {
      const { bsn, declarationId } = await learnerWithDeclaration();
      await declarationFlag(t, declarationId, a.school.id, {
        rule: 'DECLARATION_OUTSIDE_KEURMERK',
        status: 'DISMISSED',
      });
      await declarationFlag(t, declarationId, a.school.id, {
        rule: 'DECLARED_HOURS_EXCEED_CONTRACT',
        severity: 'MEDIUM',
      });
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds: [declarationId],
      }).expect(201);
      expect(created.body.status).toBe('READY_FOR_DECISION');
    });

    it('still asks a school whose keurmerk is withdrawn (it exists, and may declare its valid days)', async () => {
      const withdrawn = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
      await t.http
        .post(`${API}/schools/${withdrawn.school.id}/keurmerk-events`)
        .set(...bearer(auditor))
        .send({ status: 'WITHDRAWN', effectiveFrom: '2024-01-01', reason: 'misuse' })
        .expect(201);
      const { bsn, declarationId } = await learnerWithDeclaration({ backed: false, school: withdrawn });
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds: [declarationId],
      }).expect(201);
      expect(created.body.status).toBe('AWAITING_SCHOOL');
      expect(await requestsOf(created.body.id)).toEqual([expect.objectContaining({ status: 'PENDING' })]);
    });

    it('refuses declarations of another learner, unknown ones and rejected ones (422 naming declarationIds) and stores nothing', async () => {
      const mine = await learnerWithDeclaration();
      const other = await learnerWithDeclaration();
      const rejected = await declaration(t, { schoolId: a.school.id, bsn: mine.bsn, status: 'REJECTED' });
      const before = await t.sql(`SELECT count(*)::int AS n FROM exemptions`);
      for (const declarationIds of [
        [mine.declarationId, other.declarationId],
        ['00000000-0000-4000-8000-000000000000'],
        [rejected],
      ]) {
        const response = await register({ learnerBsn: mine.bsn, grounds: 'AGI', declarationIds }).expect(422);
        expect(response.body.invalidParams).toEqual([expect.objectContaining({ name: 'declarationIds' })]);
      }
      const unknownLearner = await register({
        learnerBsn: newBsn(),
        grounds: 'AGI',
        declarationIds: [mine.declarationId],
      }).expect(422);
      expect(unknownLearner.body.invalidParams[0].name).toBe('declarationIds');
      expect(await t.sql(`SELECT count(*)::int AS n FROM exemptions`)).toEqual(before);
    });

    it('names each malformed field (400) and never echoes the BSN', async () => {
      const response = await register({
        learnerBsn: '123456789',
        grounds: 'SICK',
        declarationIds: [],
        examAttempts: -1,
      })
        .expect(400)
        .expect('Content-Type', /application\/problem\+json/);
      expect(response.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual([
        'declarationIds',
        'examAttempts',
        'grounds',
        'learnerBsn',
      ]);
      expect(JSON.stringify(response.body)).not.toContain('123456789');
    });
  });

  describe('actions', () => {
    const allowed: Record<Status, Partial<Record<string, { body: object; to: Status }>>> = {
      READY_FOR_DECISION: {
        REQUEST_LEARNER_EVIDENCE: { body: {}, to: 'AWAITING_LEARNER_EVIDENCE' },
        ANNOUNCE_INTENDED_REFUSAL: { body: { reason: 'doubts' }, to: 'INTENDED_REFUSAL' },
        GRANT: { body: { reason: 'all in order' }, to: 'GRANTED' },
        REFUSE: { body: { reason: 'not in order' }, to: 'REFUSED' },
      },
      AWAITING_SCHOOL: {
        REQUEST_LEARNER_EVIDENCE: { body: { reason: 'school unreachable' }, to: 'AWAITING_LEARNER_EVIDENCE' },
      },
      AWAITING_LEARNER_EVIDENCE: {
        RECORD_LEARNER_EVIDENCE: { body: { verified: true }, to: 'READY_FOR_DECISION' },
      },
      INTENDED_REFUSAL: {
        GRANT: { body: { reason: 'objection upheld' }, to: 'GRANTED' },
        REFUSE: { body: { reason: 'no objection' }, to: 'REFUSED' },
      },
      GRANTED: {},
      REFUSED: {},
    };
    const bodies: Record<string, object> = {
      REQUEST_LEARNER_EVIDENCE: {},
      RECORD_LEARNER_EVIDENCE: { verified: true },
      ANNOUNCE_INTENDED_REFUSAL: { reason: 'r' },
      GRANT: { reason: 'r' },
      REFUSE: { reason: 'r' },
    };
    const cases = (Object.keys(allowed) as Status[]).flatMap((from) =>
      Object.keys(bodies).map((action) => ({ from, action, allowed: allowed[from][action] })),
    );

    it.each(
      cases.filter((c) => c.allowed).map((c) => [c.action, c.from, c.allowed!.to, c.allowed!.body] as const),
    )('allows %s from %s, leading to %s', async (action, from, to, body) => {
      const id = await exemptionIn(from);
      const response = await act(id, { action, ...body }).expect(200);
      expect(response.body.status).toBe(to);
      expect(response.body.timeline.at(-1)).toMatchObject({ action, by: duo.id, statusAfter: to });
    });

    it.each(cases.filter((c) => !c.allowed).map((c) => [c.action, c.from] as const))(
      'refuses %s from %s (422)',
      async (action, from) => {
        const id = await exemptionIn(from);
        const response = await act(id, { action, ...bodies[action] }).expect(422);
        expect(response.body.detail).toContain(from);
        expect((await show(id)).status).toBe(from);
      },
    );

    it('moves unverified learner evidence to INTENDED_REFUSAL', async () => {
      const id = await exemptionIn('AWAITING_LEARNER_EVIDENCE');
      expect(
        (
          await act(id, {
            action: 'RECORD_LEARNER_EVIDENCE',
            verified: false,
            reason: 'bank statement forged',
          }).expect(200)
        ).body.status,
      ).toBe('INTENDED_REFUSAL');
    });

    it('requires a reason to announce an intended refusal, grant or refuse (400 naming reason)', async () => {
      const id = await exemptionIn('READY_FOR_DECISION');
      for (const action of ['ANNOUNCE_INTENDED_REFUSAL', 'GRANT', 'REFUSE']) {
        const response = await act(id, { action }).expect(400);
        expect(response.body.invalidParams).toEqual([expect.objectContaining({ name: 'reason' })]);
      }
      await act(id, { action: 'GRANT', reason: '' }).expect(400);
      await act(id, { action: 'REFUSE', reason: '   ' }).expect(400);
      expect((await show(id)).status).toBe('READY_FOR_DECISION');
    });

    it('requires verified when recording learner evidence (400 naming verified)', async () => {
      const id = await exemptionIn('AWAITING_LEARNER_EVIDENCE');
      const response = await act(id, { action: 'RECORD_LEARNER_EVIDENCE' }).expect(400);
      expect(response.body.invalidParams).toEqual([expect.objectContaining({ name: 'verified' })]);
      await act(id, { action: 'UNDO' }).expect(400);
    });

    it('accepts the declarations with a grant and rejects them with a refusal', async () => {
      const granted = await exemptionIn('GRANTED');
      const refused = await exemptionIn('REFUSED');
      const [g] = (await show(granted)).declarationIds;
      const [r] = (await show(refused)).declarationIds;
      expect(await declarationStatus(g)).toBe('ACCEPTED');
      expect(await declarationStatus(r)).toBe('REJECTED');
      expect((await show(granted)).decision).toMatchObject({
        reason: 'medical certificate holds',
        decidedBy: duo.id,
      });
    });

    it('never reopens a granted exemption: the deadline job and later flags leave it alone', async () => {
      const id = await exemptionIn('GRANTED');
      const [declarationId] = (await show(id)).declarationIds;
      await declarationFlag(t, declarationId, a.school.id, {
        rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
        periodFrom: '2024-01-01',
      });
      await t.app.get(ExemptionsService).escalateStalled(amsterdamDay(400));
      await act(id, { action: 'REQUEST_LEARNER_EVIDENCE' }).expect(422);
      expect((await show(id)).status).toBe('GRANTED');
      expect(await declarationStatus(declarationId)).toBe('ACCEPTED');
    });
  });

  describe('AGI conditions on GRANT', () => {
    async function agi(
      hours: number[],
      examAttempts: number | undefined,
      requestedOn?: string,
    ): Promise<string> {
      const bsn = newBsn();
      const declarationIds = [];
      for (const h of hours)
        declarationIds.push(await declaration(t, { schoolId: a.school.id, bsn, hours: h }));
      await duoPayment(t, { bsn, schoolKvk: a.school.kvkNumber });
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds,
        examAttempts,
        requestedOn,
      }).expect(201);
      expect(created.body.status).toBe('READY_FOR_DECISION');
      return created.body.id;
    }
    const grant = (id: string) => act(id, { action: 'GRANT', reason: 'inspanningen aangetoond' });

    it('grants AGI with 600 hours over the declarations and 3 exam attempts', async () => {
      expect((await grant(await agi([350, 250], 3)).expect(200)).body.status).toBe('GRANTED');
    });

    it('refuses to grant AGI with fewer than 600 hours (422)', async () => {
      const id = await agi([350, 249.99], 5);
      expect((await grant(id).expect(422)).body.detail).toMatch(/600/);
      expect((await show(id)).status).toBe('READY_FOR_DECISION');
    });

    it('refuses to grant AGI with fewer than 3 exam attempts (422 naming examAttempts)', async () => {
      expect((await grant(await agi([600], 2)).expect(422)).body.invalidParams[0].name).toBe('examAttempts');
      await grant(await agi([600], undefined)).expect(422);
    });

    it('needs 4 exam attempts for a request filed before 2023-04-01', async () => {
      await grant(await agi([600], 3, '2023-03-31')).expect(422);
      await grant(await agi([600], 4, '2023-03-31')).expect(200);
      await grant(await agi([600], 3, '2023-04-01')).expect(200);
    });

    it('grants MEDICAL without the AGI conditions', async () => {
      const { bsn, declarationId } = await learnerWithDeclaration({ hours: 10 });
      const created = await register({
        learnerBsn: bsn,
        grounds: 'MEDICAL',
        declarationIds: [declarationId],
      }).expect(201);
      await act(created.body.id, { action: 'GRANT', reason: 'medical certificate' }).expect(200);
    });
  });

  describe('the school confirms or denies', () => {
    const requestsFor = (user: TestUser) => t.http.get(`${API}/confirmation-requests`).set(...bearer(user));
    const respond = (user: TestUser, id: string, body: object) =>
      t.http
        .post(`${API}/confirmation-requests/${id}/response`)
        .set(...bearer(user))
        .send(body);

    async function awaitingSchool(extraBacked = false) {
      const { bsn, declarationId } = await learnerWithDeclaration({ backed: false, school: b, hours: 300 });
      const declarationIds = [declarationId];
      if (extraBacked) {
        declarationIds.push(await declaration(t, { schoolId: a.school.id, bsn, hours: 300 }));
        await duoPayment(t, { bsn, schoolKvk: a.school.kvkNumber });
      }
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds,
        examAttempts: 3,
      }).expect(201);
      const [request] = await requestsOf(created.body.id);
      return { exemptionId: created.body.id as string, requestId: request.id, declarationId };
    }

    it('shows a school its own requests with only what it needs to answer', async () => {
      const { requestId, declarationId } = await awaitingSchool();
      const own = await requestsFor(b.schoolUser).expect(200);
      const item = own.body.items.find((i: { id: string }) => i.id === requestId);
      expect(Object.keys(item).sort()).toEqual(
        [
          'createdAt',
          'declarationIds',
          'declarations',
          'dueOn',
          'id',
          'issued',
          'note',
          'respondedAt',
          'schoolId',
          'status',
        ].sort(),
      );
      expect(item).toMatchObject({
        declarationIds: [declarationId],
        declarations: [
          {
            id: declarationId,
            source: 'SCHOOL',
            learnerId: expect.any(String),
            bsnMasked: expect.stringMatching(/^\*{5}\d{4}$/),
            purpose: 'AGI',
            hours: 300,
            periodStart: '2024-01-01',
            periodEnd: '2024-06-30',
            issuedOn: '2024-07-01',
          },
        ],
        status: 'PENDING',
        dueOn: amsterdamDay(28),
      });
      const other = await requestsFor(a.schoolUser).expect(200);
      expect(other.body.items.map((i: { id: string }) => i.id)).not.toContain(requestId);
      const foreignFilter = await requestsFor(a.schoolUser).query({ schoolId: b.school.id }).expect(200);
      expect(foreignFilter.body.items.map((i: { id: string }) => i.id)).not.toContain(requestId);
      const all = await requestsFor(duo).query({ schoolId: b.school.id }).expect(200);
      expect(all.body.items.find((i: { id: string }) => i.id === requestId).exemptionId).toEqual(
        expect.any(String),
      );
    });

    it('lets a school see nothing of the exemption itself (403)', async () => {
      const { exemptionId } = await awaitingSchool();
      await t.http
        .get(`${API}/exemptions/${exemptionId}`)
        .set(...bearer(b.schoolUser))
        .expect(403);
      await t.http
        .get(`${API}/exemptions`)
        .set(...bearer(b.schoolUser))
        .expect(403);
      await t.http
        .post(`${API}/exemptions/${exemptionId}/actions`)
        .set(...bearer(b.schoolUser))
        .send({ action: 'REQUEST_LEARNER_EVIDENCE' })
        .expect(403);
    });

    it("answers 404 to a school answering another school's request, and changes nothing", async () => {
      const { exemptionId, requestId } = await awaitingSchool();
      await respond(a.schoolUser, requestId, { issued: false }).expect(404);
      await respond(a.schoolUser, '00000000-0000-4000-8000-000000000000', { issued: true }).expect(404);
      expect((await requestsOf(exemptionId))[0].status).toBe('PENDING');
      expect((await show(exemptionId)).status).toBe('AWAITING_SCHOOL');
      await respond(duo, requestId, { issued: true }).expect(403);
    });

    it('moves the case to READY_FOR_DECISION once the school confirms, and takes no second answer (422)', async () => {
      const { exemptionId, requestId } = await awaitingSchool(true);
      const answered = await respond(b.schoolUser, requestId, {
        issued: true,
        note: 'our records attached',
      }).expect(200);
      expect(answered.body).toMatchObject({
        id: requestId,
        status: 'CONFIRMED',
        issued: true,
        note: 'our records attached',
      });
      expect(answered.body.exemptionId).toBeUndefined();
      const shown = await show(exemptionId);
      expect(shown.status).toBe('READY_FOR_DECISION');
      expect(shown.timeline.at(-1)).toMatchObject({
        action: 'SCHOOL_CONFIRMED',
        by: b.schoolUser.id,
        statusAfter: 'READY_FOR_DECISION',
      });
      await respond(b.schoolUser, requestId, { issued: false }).expect(422);
      expect((await show(exemptionId)).status).toBe('READY_FOR_DECISION');
      await act(exemptionId, { action: 'GRANT', reason: '600 hours, confirmed by the school' }).expect(200);
    });

    it('waits for every school asked before the case is ready', async () => {
      const bsn = newBsn();
      const fromA = await declaration(t, { schoolId: a.school.id, bsn });
      const fromB = await declaration(t, { schoolId: b.school.id, bsn });
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds: [fromA, fromB],
      }).expect(201);
      const requests = await t.sql<{ id: string; school_id: string }>(
        `SELECT id, school_id FROM confirmation_requests WHERE exemption_id = $1`,
        [created.body.id],
      );
      expect(requests).toHaveLength(2);
      await respond(a.schoolUser, requests.find((r) => r.school_id === a.school.id)!.id, {
        issued: true,
      }).expect(200);
      expect((await show(created.body.id)).status).toBe('AWAITING_SCHOOL');
      await respond(b.schoolUser, requests.find((r) => r.school_id === b.school.id)!.id, {
        issued: true,
      }).expect(200);
      expect((await show(created.body.id)).status).toBe('READY_FOR_DECISION');
    });

    it('refuses the request, rejects the declaration and records a forgery report when the school did not issue it', async () => {
      const { exemptionId, requestId, declarationId } = await awaitingSchool();
      await respond(b.schoolUser, requestId, { issued: false, note: 'not our form' }).expect(200);
      const shown = await show(exemptionId);
      expect(shown.status).toBe('REFUSED');
      expect(shown.decision.reason).toMatch(/did not issue/);
      expect(shown.timeline.map((e: { action: string; by: string | null }) => [e.action, e.by])).toEqual([
        ['REGISTER', duo.id],
        ['SCHOOL_DENIED', b.schoolUser.id],
        ['REFUSE', null],
      ]);
      expect(await declarationStatus(declarationId)).toBe('REJECTED');
      expect(
        await t.sql(
          `SELECT school_id, exemption_id, confirmation_request_id FROM forgery_reports WHERE declaration_id = $1`,
          [declarationId],
        ),
      ).toEqual([{ school_id: b.school.id, exemption_id: exemptionId, confirmation_request_id: requestId }]);
      await act(exemptionId, { action: 'GRANT', reason: 'x' }).expect(422);
    });

    it('sends a confirmed case to the learner when a HIGH flag is open on a declaration', async () => {
      const { exemptionId, requestId, declarationId } = await awaitingSchool();
      await declarationFlag(t, declarationId, b.school.id, { rule: 'DECLARATION_OUTSIDE_KEURMERK' });
      await respond(b.schoolUser, requestId, { issued: true }).expect(200);
      const shown = await show(exemptionId);
      expect(shown.status).toBe('AWAITING_LEARNER_EVIDENCE');
      expect(shown.timeline.at(-1)).toMatchObject({ action: 'REQUEST_LEARNER_EVIDENCE', by: null });
    });

    it('closes the pending request when DUO asks the learner instead', async () => {
      const { exemptionId, requestId } = await awaitingSchool();
      await act(exemptionId, { action: 'REQUEST_LEARNER_EVIDENCE' }).expect(200);
      expect((await requestsOf(exemptionId))[0].status).toBe('CANCELLED');
      await respond(b.schoolUser, requestId, { issued: true }).expect(422);
    });
  });

  describe('the deadline job', () => {
    async function waitForStatus(id: string, status: Status): Promise<void> {
      const deadline = Date.now() + 20_000;
      while ((await show(id)).status !== status) {
        if (Date.now() > deadline) throw new Error(`exemption ${id} did not reach ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const runJob = (asOf: string) => t.app.get(JobQueue).enqueue(JobName.EscalateExemptions, { asOf });

    it('is scheduled by the worker to run every hour', async () => {
      const schedulers = await t.app
        .get(JobQueue)
        .queue(queueOfJob[JobName.EscalateExemptions])
        .getJobSchedulers();
      expect(schedulers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: JobName.EscalateExemptions, pattern: '15 * * * *' }),
        ]),
      );
    });

    it('moves a case the school did not answer by the due date to AWAITING_LEARNER_EVIDENCE, not before', async () => {
      const { bsn, declarationId } = await learnerWithDeclaration({ backed: false });
      const created = await register({
        learnerBsn: bsn,
        grounds: 'AGI',
        declarationIds: [declarationId],
      }).expect(201);
      const [request] = await requestsOf(created.body.id);

      // On the due day the school is still in time.
      await t.app.get(ExemptionsService).escalateStalled(request.due_on);
      expect((await show(created.body.id)).status).toBe('AWAITING_SCHOOL');

      await runJob(amsterdamDay(29));
      await waitForStatus(created.body.id, 'AWAITING_LEARNER_EVIDENCE');
      const shown = await show(created.body.id);
      expect(shown.timeline.at(-1)).toMatchObject({
        action: 'REQUEST_LEARNER_EVIDENCE',
        by: null,
        statusAfter: 'AWAITING_LEARNER_EVIDENCE',
      });
      expect(shown.timeline.at(-1).reason).toMatch(/did not answer/);
      expect((await requestsOf(created.body.id))[0].status).toBe('EXPIRED');
    });

    it('moves a waiting case when a HIGH flag opens on its declaration, not when the keurmerk is withdrawn', async () => {
      const losing = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
      const first = await learnerWithDeclaration({ backed: false, school: losing });
      const second = await learnerWithDeclaration({ backed: false });
      const e1 = (
        await register({
          learnerBsn: first.bsn,
          grounds: 'AGI',
          declarationIds: [first.declarationId],
        }).expect(201)
      ).body.id;
      const e2 = (
        await register({
          learnerBsn: second.bsn,
          grounds: 'AGI',
          declarationIds: [second.declarationId],
        }).expect(201)
      ).body.id;
      await t.http
        .post(`${API}/schools/${losing.school.id}/keurmerk-events`)
        .set(...bearer(auditor))
        .send({ status: 'WITHDRAWN', effectiveFrom: amsterdamDay(0), reason: 'intrekking' })
        .expect(201);
      await declarationFlag(t, second.declarationId, a.school.id, {
        rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
        periodFrom: '2024-02-01',
      });
      await runJob(amsterdamDay(0));
      await waitForStatus(e2, 'AWAITING_LEARNER_EVIDENCE');
      expect((await show(e2)).timeline.at(-1).reason).toMatch(/HIGH flag/);
      expect((await requestsOf(e2))[0].status).toBe('CANCELLED');
      expect((await show(e1)).status).toBe('AWAITING_SCHOOL');
      expect((await requestsOf(e1))[0].status).toBe('PENDING');
    });
  });

  describe('reading and the audit trail', () => {
    it('shows an exemption to AUDITOR and ADMIN with the BSN masked, and to DUO with the BSN', async () => {
      const id = await exemptionIn('READY_FOR_DECISION');
      const asAuditor = await t.http
        .get(`${API}/exemptions/${id}`)
        .set(...bearer(auditor))
        .expect(200);
      expect(asAuditor.body.bsn).toBeUndefined();
      expect(asAuditor.body.bsnMasked).toMatch(/^\*{5}\d{4}$/);
      const list = await t.http
        .get(`${API}/exemptions`)
        .query({ status: 'READY_FOR_DECISION' })
        .set(...bearer(await t.adminToken()))
        .expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toContain(id);
      expect(list.body.items.every((i: { status: string }) => i.status === 'READY_FOR_DECISION')).toBe(true);
      await t.http
        .post(`${API}/exemptions`)
        .set(...bearer(auditor))
        .send({})
        .expect(403);
      await t.http
        .get(`${API}/exemptions/00000000-0000-4000-8000-000000000000`)
        .set(...bearer(duo))
        .expect(404);
    });

    it('records every step in the audit log with who and when', async () => {
      const { bsn, declarationId } = await learnerWithDeclaration();
      const id = (
        await register({ learnerBsn: bsn, grounds: 'MEDICAL', declarationIds: [declarationId] }).expect(201)
      ).body.id;
      await act(id, { action: 'REQUEST_LEARNER_EVIDENCE', reason: 'want a certificate' }).expect(200);
      await act(id, { action: 'RECORD_LEARNER_EVIDENCE', verified: false }).expect(200);
      await act(id, { action: 'REFUSE', reason: 'certificate not verified' }).expect(200);
      const audit = await t.http
        .get(`${API}/audit-events`)
        .query({ subjectType: 'EXEMPTION', subjectId: id })
        .set(...bearer(auditor))
        .expect(200);
      const steps = [...audit.body.items]
        .reverse()
        .map(
          (e: {
            action: string;
            actorId: string;
            before: { status: string } | null;
            after: { status: string };
          }) => [e.action, e.actorId, e.before?.status ?? null, e.after.status],
        );
      expect(steps).toEqual([
        ['REGISTER', duo.id, null, 'READY_FOR_DECISION'],
        ['REQUEST_LEARNER_EVIDENCE', duo.id, 'READY_FOR_DECISION', 'AWAITING_LEARNER_EVIDENCE'],
        ['RECORD_LEARNER_EVIDENCE', duo.id, 'AWAITING_LEARNER_EVIDENCE', 'INTENDED_REFUSAL'],
        ['REFUSE', duo.id, 'INTENDED_REFUSAL', 'REFUSED'],
      ]);
      const declarationAudit = await t.http
        .get(`${API}/audit-events`)
        .query({ subjectType: 'HOURS_DECLARATION', subjectId: declarationId })
        .set(...bearer(auditor))
        .expect(200);
      expect(declarationAudit.body.items[0]).toMatchObject({
        action: 'REJECT',
        actorId: duo.id,
        after: { status: 'REJECTED' },
      });
    });

    it("audits the school's answer on the confirmation request", async () => {
      const { bsn, declarationId } = await learnerWithDeclaration({ backed: false });
      const id = (
        await register({ learnerBsn: bsn, grounds: 'AGI', declarationIds: [declarationId] }).expect(201)
      ).body.id;
      const [request] = await requestsOf(id);
      await t.http
        .post(`${API}/confirmation-requests/${request.id}/response`)
        .set(...bearer(a.schoolUser))
        .send({ issued: false })
        .expect(200);
      const audit = await t.http
        .get(`${API}/audit-events`)
        .query({ subjectType: 'CONFIRMATION_REQUEST', subjectId: request.id })
        .set(...bearer(duo))
        .expect(200);
      expect(
        [...audit.body.items]
          .reverse()
          .map((e: { action: string; actorId: string | null }) => [e.action, e.actorId]),
      ).toEqual([
        ['CREATE', duo.id],
        ['RESPOND', a.schoolUser.id],
      ]);
      expect(audit.body.items[0].after).toMatchObject({
        status: 'DENIED',
        issued: false,
        forgeryReportIds: [expect.any(String)],
      });
    });
  });
});
