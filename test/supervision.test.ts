import {
  LETTER_FIGURES,
  LETTER_PERIOD,
  loadSupervisionLetter,
  Poster,
} from '../scripts/lib/supervision-letter';
import { validBsn } from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
const SIGNAL = {
  receivedBy: 'DUO',
  source: 'EXAM_LOCATION',
  category: 'RESULTS_BELOW_HOURS',
  receivedOn: '2023-02-01',
  description: 'Learner scored A1 on three components after 600 declared hours.',
};

describe('supervision: signals, keurmerk applications, inspections and the report', () => {
  let t: TestApp;
  let auditor: TestUser;
  let duo: TestUser;
  let admin: TestUser;
  let school: { id: string; kvkNumber: string };
  let schoolUser: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    [auditor, duo, admin] = [await t.user('AUDITOR'), await t.user('DUO'), await t.user('ADMIN')];
    school = await t.school({ grantedFrom: '2021-01-01' });
    schoolUser = await t.user('SCHOOL', school.id);
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, user: TestUser = auditor) =>
    t.http
      .post(`${API}${path}`)
      .set(...bearer(user))
      .send(body);
  const get = (path: string, user: TestUser = auditor) => t.http.get(`${API}${path}`).set(...bearer(user));
  const count = async (table: string) =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);
  const names = (body: { invalidParams: { name: string }[] }) => body.invalidParams.map((p) => p.name).sort();
  const newSignal = async (overrides: object = {}, user: TestUser = duo) =>
    (await post('/signals', { ...SIGNAL, ...overrides }, user).expect(201)).body;
  /** A flag fixture: the checks' own output is tested elsewhere; here a signal only links to one. */
  const newFlag = async () =>
    (
      await t.sql<{ id: string }>(
        `INSERT INTO flags (rule_code, severity, school_id, subject_type, subject_id, explanation)
         VALUES ('DECLARED_HOURS_EXCEED_ATTENDANCE', 'HIGH', $1, 'HOURS_DECLARATION', gen_random_uuid(), 'fixture')
         RETURNING id`,
        [school.id],
      )
    )[0].id;

  describe('signals (meldingen)', () => {
    it('registers a signal about a school and a learner: OPEN, BSN masked, on its timeline and in the audit log', async () => {
      const bsn = validBsn(900_001);
      const created = await post(
        '/signals',
        { ...SIGNAL, schoolId: school.id, learnerBsn: bsn },
        auditor,
      ).expect(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        status: 'OPEN',
        outcome: null,
        receivedBy: 'DUO',
        source: 'EXAM_LOCATION',
        category: 'RESULTS_BELOW_HOURS',
        receivedOn: '2023-02-01',
        schoolId: school.id,
        learnerId: expect.any(String),
        bsnMasked: `*****${bsn.slice(5)}`,
        flagIds: [],
        timeline: [{ action: 'RECEIVED', by: auditor.id, at: expect.any(String) }],
      });
      expect(created.body.bsn).toBeUndefined();
      expect(JSON.stringify(created.body)).not.toContain(bsn);
      const forDuo = await get(`/signals/${created.body.id}`, duo).expect(200);
      expect(forDuo.body.bsn).toBe(bsn);
      const audit = await get(`/audit-events?subjectType=SIGNAL&subjectId=${created.body.id}`).expect(200);
      expect(audit.body.items).toHaveLength(1);
      expect(audit.body.items[0]).toMatchObject({ action: 'CREATE', actorId: auditor.id });
      expect(JSON.stringify(audit.body.items[0])).not.toContain(bsn);
    });

    it('lists signals filtered by status, schoolId, receivedBy and category', async () => {
      const other = await t.school();
      const mine = await newSignal({ schoolId: other.id, receivedBy: 'NLA', category: 'EXAM_FRAUD' });
      await newSignal({ schoolId: other.id, receivedBy: 'BOW', category: 'QUALITY', source: 'LEARNER' });
      const bySchool = await get(`/signals?schoolId=${other.id}`).expect(200);
      expect(bySchool.body.total).toBe(2);
      const filtered = await get(
        `/signals?schoolId=${other.id}&receivedBy=NLA&category=EXAM_FRAUD&status=OPEN`,
      );
      expect(filtered.body.items.map((s: { id: string }) => s.id)).toEqual([mine.id]);
      expect((await get(`/signals?schoolId=${other.id}&status=CLOSED`)).body.total).toBe(0);
      const bad = await get('/signals?status=DONE&receivedBy=POLICE').expect(400);
      expect(names(bad.body)).toEqual(['receivedBy', 'status']);
    });

    const ACTIONS = {
      LINK_FLAG: async () => ({ flagId: await newFlag() }),
      SHARE: async () => ({ with: 'MUNICIPALITY' }),
      REFER_TO_NLA: async () => ({}),
      CLOSE: async () => ({ outcome: 'REFERRED' }),
    };
    const withStatus = async (status: 'OPEN' | 'IN_PROGRESS' | 'CLOSED') => {
      const signal = await newSignal();
      if (status === 'IN_PROGRESS')
        await post(`/signals/${signal.id}/actions`, { action: 'SHARE', with: 'BOW', reason: 'first' }).expect(
          200,
        );
      if (status === 'CLOSED')
        await post(`/signals/${signal.id}/actions`, {
          action: 'CLOSE',
          outcome: 'NO_GROUNDS',
          reason: 'nothing in it',
        }).expect(200);
      return signal.id as string;
    };

    it.each(
      (['OPEN', 'IN_PROGRESS'] as const).flatMap((from) =>
        (Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]).map((action) => [action, from] as const),
      ),
    )(
      'takes %s from %s and moves the signal on, on its timeline and in the audit log',
      async (action, from) => {
        const id = await withStatus(from);
        const extra = await ACTIONS[action]();
        const response = await post(`/signals/${id}/actions`, { action, reason: 'triage', ...extra }).expect(
          200,
        );
        const expected = action === 'CLOSE' ? 'CLOSED' : 'IN_PROGRESS';
        expect(response.body.status).toBe(expected);
        expect(response.body.outcome).toBe(action === 'CLOSE' ? 'REFERRED' : null);
        const last = response.body.timeline.at(-1);
        expect(last).toMatchObject({ action, by: auditor.id, reason: 'triage' });
        if (action === 'LINK_FLAG')
          expect(response.body.flagIds).toEqual([(extra as { flagId: string }).flagId]);
        if (action === 'SHARE') expect(last.details).toEqual({ with: 'MUNICIPALITY' });
        const audit = await get(`/audit-events?subjectType=SIGNAL&subjectId=${id}`).expect(200);
        expect(audit.body.items[0]).toMatchObject({ action, after: { status: expected } });
      },
    );

    it.each(Object.keys(ACTIONS) as (keyof typeof ACTIONS)[])(
      'refuses %s after CLOSE with 422, changing nothing',
      async (action) => {
        const id = await withStatus('CLOSED');
        const before = await get(`/signals/${id}`).expect(200);
        const refused = await post(`/signals/${id}/actions`, {
          action,
          reason: 'too late',
          ...(await ACTIONS[action]()),
        }).expect(422);
        expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
        expect((await get(`/signals/${id}`)).body).toEqual(before.body);
      },
    );

    it('links a flag once (409 the second time) and refuses a flag that does not exist (422)', async () => {
      const id = await withStatus('OPEN');
      const flagId = await newFlag();
      await post(`/signals/${id}/actions`, { action: 'LINK_FLAG', flagId, reason: 'same learner' }).expect(
        200,
      );
      const again = await post(`/signals/${id}/actions`, { action: 'LINK_FLAG', flagId, reason: 'x' }).expect(
        409,
      );
      expect(again.body.invalidParams[0].name).toBe('flagId');
      const missing = await post(`/signals/${id}/actions`, {
        action: 'LINK_FLAG',
        flagId: '6f1c1f7e-4a0e-4a53-9a51-000000000000',
        reason: 'x',
      }).expect(422);
      expect(missing.body.invalidParams[0].name).toBe('flagId');
      const signal = (await get(`/signals/${id}`)).body;
      expect(signal.flagIds).toEqual([flagId]);
      expect(signal.timeline.map((e: { action: string }) => e.action)).toEqual(['RECEIVED', 'LINK_FLAG']);
    });

    it('closes once under concurrent requests: one 200, the others 422', async () => {
      const id = await withStatus('OPEN');
      const responses = await Promise.all(
        ['NO_GROUNDS', 'MEASURES_TAKEN', 'REFERRED'].map((outcome) =>
          post(`/signals/${id}/actions`, { action: 'CLOSE', outcome, reason: 'done' }),
        ),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([200, 422, 422]);
      const closes = (await get(`/signals/${id}`)).body.timeline.filter(
        (e: { action: string }) => e.action === 'CLOSE',
      );
      expect(closes).toHaveLength(1);
    });

    it.each([
      ['a missing reason and an unknown action', { action: 'ESCALATE' }, ['action', 'reason']],
      ['LINK_FLAG without flagId', { action: 'LINK_FLAG', reason: 'x' }, ['flagId']],
      ['SHARE with an unknown partner', { action: 'SHARE', with: 'POLICE', reason: 'x' }, ['with']],
      ['CLOSE without outcome', { action: 'CLOSE', reason: 'x' }, ['outcome']],
      [
        'a field of another action',
        { action: 'REFER_TO_NLA', outcome: 'REFERRED', reason: 'x' },
        ['outcome'],
      ],
      ['a blank reason', { action: 'REFER_TO_NLA', reason: '  ' }, ['reason']],
      ['an unknown field', { action: 'REFER_TO_NLA', reason: 'x', urgent: true }, ['urgent']],
    ])('refuses an action with %s: 400 naming the field, nothing changed', async (_what, body, fields) => {
      const id = await withStatus('OPEN');
      const response = await post(`/signals/${id}/actions`, body).expect(400);
      expect(names(response.body)).toEqual([...fields].sort());
      const signal = (await get(`/signals/${id}`)).body;
      expect(signal.status).toBe('OPEN');
      expect(signal.timeline).toHaveLength(1);
    });

    it.each([
      ['missing fields', {}, ['category', 'description', 'receivedBy', 'receivedOn', 'source']],
      [
        'unknown enum values',
        { ...SIGNAL, receivedBy: 'POLICE', source: 'PRESS', category: 'TAX' },
        ['category', 'receivedBy', 'source'],
      ],
      [
        'an impossible date and a blank description',
        { ...SIGNAL, receivedOn: '2023-02-30', description: ' ' },
        ['description', 'receivedOn'],
      ],
      [
        'a BSN failing the 11-proof and a schoolId that is no uuid',
        { ...SIGNAL, learnerBsn: '123456789', schoolId: 'x' },
        ['learnerBsn', 'schoolId'],
      ],
      ['an unknown field', { ...SIGNAL, priority: 'HIGH' }, ['priority']],
    ])('refuses a signal with %s: 400 naming each field, storing nothing', async (_what, body, fields) => {
      const before = await count('signals');
      const response = await post('/signals', body).expect(400);
      expect(response.body).toMatchObject({ status: 400, title: 'Bad Request' });
      expect(names(response.body)).toEqual([...fields].sort());
      expect(JSON.stringify(response.body)).not.toContain('123456789');
      expect(await count('signals')).toBe(before);
    });

    it('refuses a signal about a school that does not exist with 422, and answers 404 for an unknown signal', async () => {
      const before = [await count('signals'), await count('learners')];
      const response = await post('/signals', {
        ...SIGNAL,
        schoolId: '6f1c1f7e-4a0e-4a53-9a51-000000000000',
        learnerBsn: validBsn(900_002),
      }).expect(422);
      expect(response.body.invalidParams[0].name).toBe('schoolId');
      expect([await count('signals'), await count('learners')]).toEqual(before);
      await get('/signals/6f1c1f7e-4a0e-4a53-9a51-000000000000').expect(404);
      await post('/signals/6f1c1f7e-4a0e-4a53-9a51-000000000000/actions', {
        action: 'REFER_TO_NLA',
        reason: 'x',
      }).expect(404);
    });
  });

  describe('keurmerk applications', () => {
    const apply = async (kind: 'ASPIRANT' | 'KEURMERK', receivedOn = '2023-01-10') => {
      const applicant = await t.school();
      const created = await post('/keurmerk-applications', {
        schoolId: applicant.id,
        kind,
        receivedOn,
      }).expect(201);
      return { schoolId: applicant.id, application: created.body };
    };
    const history = async (schoolId: string) =>
      (await get(`/schools/${schoolId}/keurmerk-events`).expect(200)).body as {
        id: string;
        status: string;
        effectiveFrom: string;
        reason: string;
      }[];

    it('registers an application as RECEIVED and lists it by school and status', async () => {
      const { schoolId, application } = await apply('ASPIRANT');
      expect(application).toMatchObject({
        id: expect.any(String),
        status: 'RECEIVED',
        kind: 'ASPIRANT',
        schoolId,
        decision: null,
      });
      const listed = await get(`/keurmerk-applications?schoolId=${schoolId}&status=RECEIVED`, duo).expect(
        200,
      );
      expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([application.id]);
      expect((await get(`/keurmerk-applications?schoolId=${schoolId}&status=GRANTED`)).body.total).toBe(0);
    });

    it('grants an aspirant application: an ASPIRANT keurmerk event from effectiveFrom, audited', async () => {
      const { schoolId, application } = await apply('ASPIRANT');
      const decided = await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'GRANTED',
        reason: 'intake complete',
        decidedOn: '2023-02-01',
        effectiveFrom: '2023-03-01',
      }).expect(200);
      expect(decided.body).toMatchObject({
        status: 'GRANTED',
        decision: {
          outcome: 'GRANTED',
          decidedOn: '2023-02-01',
          effectiveFrom: '2023-03-01',
          decidedBy: auditor.id,
        },
      });
      const events = await history(schoolId);
      expect(events).toEqual([
        expect.objectContaining({
          id: decided.body.decision.keurmerkEventId,
          status: 'ASPIRANT',
          effectiveFrom: '2023-03-01',
        }),
      ]);
      const audit = await get(`/audit-events?subjectType=KEURMERK_APPLICATION&subjectId=${application.id}`);
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['DECIDE', 'CREATE']);
      const eventAudit = await get(`/audit-events?subjectType=KEURMERK_EVENT&subjectId=${events[0].id}`);
      expect(eventAudit.body.total).toBe(1);
    });

    it('grants a keurmerk application: a GRANTED event from decidedOn, which defaults to today', async () => {
      const { schoolId, application } = await apply('KEURMERK');
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
      const decided = await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'GRANTED',
        reason: 'audit passed',
      }).expect(200);
      expect(decided.body.decision).toMatchObject({ decidedOn: today, effectiveFrom: today });
      expect(await history(schoolId)).toEqual([
        expect.objectContaining({ status: 'GRANTED', effectiveFrom: today }),
      ]);
      expect((await get(`/schools/${schoolId}`)).body.keurmerkStatus).toBe('GRANTED');
    });

    it('refuses an application with its reason and writes no keurmerk event', async () => {
      const { schoolId, application } = await apply('ASPIRANT');
      const decided = await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'REFUSED',
        reason: 'quality handbook missing',
        decidedOn: '2023-01-10',
      }).expect(200);
      expect(decided.body).toMatchObject({
        status: 'REFUSED',
        decision: {
          outcome: 'REFUSED',
          reason: 'quality handbook missing',
          decidedOn: '2023-01-10',
          keurmerkEventId: null,
        },
      });
      expect(await history(schoolId)).toEqual([]);
    });

    it('refuses a decision dated before receipt, a second decision, and a missing reason, changing nothing', async () => {
      const { schoolId, application } = await apply('KEURMERK', '2023-01-10');
      const early = await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'GRANTED',
        reason: 'x',
        decidedOn: '2023-01-09',
      }).expect(422);
      expect(early.body.invalidParams[0].name).toBe('decidedOn');
      const noReason = await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'REFUSED',
      }).expect(400);
      expect(names(noReason.body)).toEqual(['reason']);
      const badOutcome = await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'MAYBE',
        reason: 'x',
        effectiveFrom: '2023-13-01',
      }).expect(400);
      expect(names(badOutcome.body)).toEqual(['effectiveFrom', 'outcome']);
      expect((await get(`/keurmerk-applications?schoolId=${schoolId}`)).body.items[0].status).toBe(
        'RECEIVED',
      );
      await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'REFUSED',
        reason: 'x',
        decidedOn: '2023-01-10',
      }).expect(200);
      const again = await post(`/keurmerk-applications/${application.id}/decision`, {
        outcome: 'GRANTED',
        reason: 'x',
        decidedOn: '2023-01-11',
      }).expect(422);
      expect(again.body.status).toBe(422);
      expect(await history(schoolId)).toEqual([]);
    });

    it('decides once under concurrent grants: one keurmerk event', async () => {
      const { schoolId, application } = await apply('KEURMERK');
      const responses = await Promise.all(
        [1, 2, 3].map(() =>
          post(`/keurmerk-applications/${application.id}/decision`, {
            outcome: 'GRANTED',
            reason: 'ok',
            decidedOn: '2023-02-01',
          }),
        ),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([200, 422, 422]);
      expect(await history(schoolId)).toHaveLength(1);
    });

    it('refuses bad applications with 400 naming the fields and an unknown school with 422, storing nothing', async () => {
      const before = await count('keurmerk_applications');
      const bad = await post('/keurmerk-applications', {
        schoolId: 'x',
        kind: 'GOLD',
        receivedOn: '2023-1-1',
      }).expect(400);
      expect(names(bad.body)).toEqual(['kind', 'receivedOn', 'schoolId']);
      const unknown = await post('/keurmerk-applications', {
        schoolId: '6f1c1f7e-4a0e-4a53-9a51-000000000000',
        kind: 'ASPIRANT',
        receivedOn: '2023-01-01',
      }).expect(422);
      expect(unknown.body.invalidParams[0].name).toBe('schoolId');
      expect(await count('keurmerk_applications')).toBe(before);
      await post('/keurmerk-applications/6f1c1f7e-4a0e-4a53-9a51-000000000000/decision', {
        outcome: 'REFUSED',
        reason: 'x',
      }).expect(404);
      await post(
        '/keurmerk-applications',
        { schoolId: school.id, kind: 'ASPIRANT', receivedOn: '2023-01-01' },
        duo,
      ).expect(403);
    });
  });

  describe('inspections', () => {
    const INSPECTION = {
      kind: 'UNANNOUNCED_VISIT',
      visitedOn: '2023-03-02',
      findings: 'Group of 19 in a room for 12.',
      outcome: 'FINDINGS',
    };

    it('records an inspection of a school, lists it, and audits it', async () => {
      const inspected = await t.school();
      const created = await post(`/schools/${inspected.id}/inspections`, INSPECTION).expect(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        schoolId: inspected.id,
        ...INSPECTION,
        createdBy: auditor.id,
      });
      await post(
        `/schools/${inspected.id}/inspections`,
        { ...INSPECTION, kind: 'AUDIT', visitedOn: '2023-04-01', outcome: 'NO_FINDINGS' },
        admin,
      ).expect(201);
      const listed = await get(`/schools/${inspected.id}/inspections`, duo).expect(200);
      expect(listed.body.map((i: { kind: string }) => i.kind)).toEqual(['AUDIT', 'UNANNOUNCED_VISIT']);
      const audit = await get(`/audit-events?subjectType=INSPECTION&subjectId=${created.body.id}`);
      expect(audit.body.items[0]).toMatchObject({ action: 'CREATE', actorId: auditor.id });
    });

    it('refuses a bad inspection with 400 naming each field, an unknown school with 404, storing nothing', async () => {
      const before = await count('inspections');
      const bad = await post(`/schools/${school.id}/inspections`, {
        kind: 'PEEK',
        visitedOn: 'yesterday',
        findings: '',
        outcome: 'OK',
      }).expect(400);
      expect(names(bad.body)).toEqual(['findings', 'kind', 'outcome', 'visitedOn']);
      await post('/schools/6f1c1f7e-4a0e-4a53-9a51-000000000000/inspections', INSPECTION).expect(404);
      await get('/schools/6f1c1f7e-4a0e-4a53-9a51-000000000000/inspections').expect(404);
      await post(`/schools/${school.id}/inspections`, INSPECTION, duo).expect(403);
      expect(await count('inspections')).toBe(before);
    });
  });

  it('keeps every supervision record from a SCHOOL user, its own school included (403)', async () => {
    const signal = await newSignal({ schoolId: school.id });
    const { body: application } = await post('/keurmerk-applications', {
      schoolId: school.id,
      kind: 'KEURMERK',
      receivedOn: '2023-01-01',
    }).expect(201);
    const calls = [
      get('/signals', schoolUser),
      get(`/signals/${signal.id}`, schoolUser),
      post('/signals', { ...SIGNAL, schoolId: school.id }, schoolUser),
      post(`/signals/${signal.id}/actions`, { action: 'REFER_TO_NLA', reason: 'x' }, schoolUser),
      get('/keurmerk-applications', schoolUser),
      get(`/keurmerk-applications/${application.id}`, schoolUser),
      post(
        '/keurmerk-applications',
        { schoolId: school.id, kind: 'ASPIRANT', receivedOn: '2023-01-01' },
        schoolUser,
      ),
      post(
        `/keurmerk-applications/${application.id}/decision`,
        { outcome: 'GRANTED', reason: 'x' },
        schoolUser,
      ),
      get(`/schools/${school.id}/inspections`, schoolUser),
      post(
        `/schools/${school.id}/inspections`,
        { kind: 'AUDIT', visitedOn: '2023-01-01', findings: 'x', outcome: 'NO_FINDINGS' },
        schoolUser,
      ),
      get('/reports/supervision?from=2022-11-01&to=2023-05-01', schoolUser),
    ];
    for (const response of await Promise.all(calls)) expect(response.status).toBe(403);
    expect((await get(`/signals/${signal.id}`)).body.timeline).toHaveLength(1);
    expect((await get(`/keurmerk-applications/${application.id}`)).body.status).toBe('RECEIVED');
  });

  describe('the supervision report (002 D.2.1)', () => {
    let report: t_Report;
    type t_Report = Record<string, Record<string, number> | number | string>;

    beforeAll(async () => {
      const db = await TestApp.start();
      const user = await db.user('AUDITOR');
      const api: Poster = {
        post: async <T>(path: string, body?: unknown) => {
          const response = await db.http
            .post(`${API}${path}`)
            .set(...bearer(user))
            .send(body as object);
          if (response.status >= 300)
            throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.body)}`);
          return response.body as T;
        },
      };
      try {
        const { withdrawn } = await loadSupervisionLetter(api);
        // Just outside the period: a signal of the next day and the day before, a suspension after it.
        await api.post('/signals', { ...SIGNAL, receivedBy: 'BOW', receivedOn: '2023-05-02' });
        await api.post('/signals', { ...SIGNAL, receivedBy: 'NLA', receivedOn: '2022-10-31' });
        await api.post(`/schools/${withdrawn}/keurmerk-events`, {
          status: 'SUSPENDED',
          effectiveFrom: '2023-05-02',
          reason: 'x',
          grounds: 'FRAUD',
        });
        const response = await db.http
          .get(`${API}/reports/supervision?from=${LETTER_PERIOD.from}&to=${LETTER_PERIOD.to}`)
          .set(...bearer(user))
          .expect(200);
        report = response.body;
        const csv = await db.http
          .get(`${API}/reports/supervision?from=${LETTER_PERIOD.from}&to=${LETTER_PERIOD.to}`)
          .set(...bearer(user))
          .set('Accept', 'text/csv')
          .expect(200);
        csvText = csv.text;
        csvType = csv.headers['content-type'];
        const later = await db.http
          .get(`${API}/reports/supervision?from=2023-05-02&to=2023-05-02`)
          .set(...bearer(user))
          .expect(200);
        nextDay = later.body;
      } finally {
        await db.close();
      }
    });
    let csvText: string;
    let csvType: string;
    let nextDay: t_Report;

    it("gives the letter's figures for 2022-11-01..2023-05-01: DUO 14, BoW 5, NLA 2, 1 withdrawal for quality, 2 aspirants refused", () => {
      expect(report).toEqual({
        from: '2022-11-01',
        to: '2023-05-01',
        signals: LETTER_FIGURES.signals,
        signalsBySource: {
          EXAM_LOCATION: 10,
          SCHOOL: 2,
          LEARNER: 2,
          MUNICIPALITY: 2,
          CHAIN_PARTNER: 2,
          ANONYMOUS: 3,
          OTHER: 0,
        },
        signalsByCategory: {
          EXAM_FRAUD: 4,
          RESULTS_BELOW_HOURS: 6,
          LESSONS_NOT_GIVEN: 4,
          HOURS_INFLATED: 3,
          FORGED_DECLARATION: 1,
          QUALITY: 3,
          OTHER: 0,
        },
        referredToNla: 3,
        sharedWithChainPartners: 4,
        suspensions: { FRAUD: 0, QUALITY: 0, OWN_REQUEST: 0, unspecified: 0 },
        withdrawals: {
          FRAUD: 0,
          QUALITY: LETTER_FIGURES.withdrawalsOnQualityGrounds,
          OWN_REQUEST: 0,
          unspecified: 0,
        },
        aspirantApplicationsRefused: LETTER_FIGURES.aspirantApplicationsRefused,
        keurmerkApplicationsRefused: 0,
        inspections: { AUDIT: 0, FINANCIAL_AUDIT: 0, UNANNOUNCED_VISIT: 0 },
      });
    });

    it('leaves out a signal received on 2023-05-02 and counts it in a period of that day', () => {
      expect(nextDay.signals).toEqual({ BOW: 1, DUO: 0, NLA: 0 });
      expect(nextDay.suspensions).toMatchObject({ FRAUD: 1 });
      expect(nextDay.withdrawals).toMatchObject({ QUALITY: 0 });
    });

    it('gives the same figures as CSV with Accept: text/csv', () => {
      expect(csvType).toMatch(/^text\/csv/);
      const lines = csvText.trim().split('\r\n');
      expect(lines[0]).toBe('figure,key,count');
      expect(lines).toEqual(
        expect.arrayContaining([
          'signals,DUO,14',
          'signals,BOW,5',
          'signals,NLA,2',
          'withdrawals,QUALITY,1',
          'aspirantApplicationsRefused,,2',
          'signalsBySource,EXAM_LOCATION,10',
        ]),
      );
    });

    it('refuses a period ending before it starts (422) and a malformed date (400)', async () => {
      const reversed = await get('/reports/supervision?from=2023-05-01&to=2022-11-01').expect(422);
      expect(reversed.body.invalidParams[0].name).toBe('to');
      const bad = await get('/reports/supervision?from=2023-02-30').expect(400);
      expect(names(bad.body)).toEqual(['from', 'to']);
    });
  });
});
