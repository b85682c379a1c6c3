import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksSettled, flags, flagsOn, waitForCheckRun } from './support/checks';
import { importCsv, newDeclaration, newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';
import { TEST_LOG_DIR } from './support/test-env';

const API = '/api/v1';
const RULE = 'RESULTS_BELOW_REGISTERED_HOURS';
const EXAM_RESULTS = 'bsn,exam_date,component,level';
const IMPORT = '/duo/imports?type=exam-results';

/**
 * DUO's exam results (POST /duo/imports?type=exam-results) and RESULTS_BELOW_REGISTERED_HOURS: a declaration of
 * at least 400 hours whose learner's latest results within 6 months after its period are below A2 on 3 or more
 * of the 4 components. Every declaration here covers 2024-01-01..2024-06-30, so the window is
 * 2024-07-01..2024-12-30 (30 June plus six months).
 */
describe('exam results and RESULTS_BELOW_REGISTERED_HOURS', () => {
  let t: TestApp;
  let duo: TestUser;
  let auditor: TestUser;
  let a: SchoolWithUser;
  /** Declaration ids and BSNs by case. */
  const cases: Record<string, { bsn: string; declarationId: string }> = {};

  /** One learner's four results as CSV lines: [component, level, date] per result. */
  const results = (bsn: string, rows: [string, string, string][]): string[] =>
    rows.map(([component, level, date]) => `${bsn},${date},${component},${level}`);

  // The fixture: exactly 400 h; READING, LISTENING and WRITING below A2 (WRITING on the window's last day).
  const belowOnThree: [string, string, string][] = [
    ['READING', 'A1', '2024-09-02'],
    ['LISTENING', 'A1', '2024-09-02'],
    ['WRITING', 'BELOW_A1', '2024-12-30'],
    ['SPEAKING', 'A2', '2024-09-03'],
  ];
  const near: Record<string, { hours: number; results: [string, string, string][] }> = {
    fixture: { hours: 400, results: belowOnThree },
    // The same results, 0.01 h under minimumHours.
    justUnderHours: { hours: 399.99, results: belowOnThree },
    // WRITING's result is one day after the window (31 December), and its only one.
    oneDayOutside: {
      hours: 500,
      results: [...belowOnThree.slice(0, 2), ['WRITING', 'BELOW_A1', '2024-12-31'], belowOnThree[3]],
    },
    // Only two components below A2.
    twoBelow: {
      hours: 500,
      results: [...belowOnThree.slice(0, 2), ['WRITING', 'A2', '2024-10-01'], belowOnThree[3]],
    },
    // READING was A1, then A2 later in the window: the latest result counts.
    laterBetter: { hours: 500, results: [...belowOnThree, ['READING', 'A2', '2024-11-15']] },
    // A result on periodEnd itself is not "after" the period.
    onPeriodEnd: {
      hours: 500,
      results: [...belowOnThree.slice(0, 2), ['WRITING', 'BELOW_A1', '2024-06-30'], belowOnThree[3]],
    },
    // As the fixture, but DUO accepted the declaration before the results came: legal certainty.
    accepted: { hours: 600, results: belowOnThree },
    // As the fixture; accepted after its flag was raised, the flag stays as it is.
    acceptedLater: { hours: 600, results: belowOnThree },
  };

  let csv: string;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    [duo, auditor] = [await t.user('DUO'), await t.user('AUDITOR')];
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01' });
    let n = 7000;
    for (const [name, { hours }] of Object.entries(near)) {
      const bsn = validBsn(n++);
      const declaration = await newDeclaration(t, a.schoolUser, {
        learnerBsn: bsn,
        hours,
        periodStart: '2024-01-01',
        periodEnd: '2024-06-30',
      });
      cases[name] = { bsn, declarationId: declaration.id };
    }
    await checksSettled(t);
    await t.sql(`UPDATE hours_declarations SET status = 'ACCEPTED' WHERE id = $1`, [
      cases.accepted.declarationId,
    ]);
    csv = [
      EXAM_RESULTS,
      ...Object.entries(near).flatMap(([name, { results: rows }]) => results(cases[name].bsn, rows)),
    ].join('\n');
  });
  afterAll(() => t.close());

  const ruleFlags = (name: string) => flagsOn(t, auditor, RULE, cases[name].declarationId);

  describe('the import', () => {
    it('answers 202, stores every good row, and the import triggers the checks of the learners it names', async () => {
      const done = await importCsv(t, duo, IMPORT, csv);
      const rows = csv.split('\n').length - 1;
      expect(done).toMatchObject({
        kind: 'EXAM_RESULTS',
        status: 'DONE',
        rowsTotal: rows,
        rowsAccepted: rows,
        rowsRejected: 0,
      });
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM exam_results`);
      expect(n).toBe(rows);
      expect(await ruleFlags('fixture')).toHaveLength(1);
    });

    it('changes nothing when the same rows are imported again', async () => {
      const before = await t.sql(`SELECT * FROM exam_results ORDER BY id`);
      const flagsBefore = await flags(t, auditor, { rule: RULE });
      const again = await importCsv(t, duo, IMPORT, csv);
      expect(again).toMatchObject({ status: 'DONE', rowsRejected: 0 });
      await checksSettled(t);
      expect(await t.sql(`SELECT * FROM exam_results ORDER BY id`)).toEqual(before);
      expect(await flags(t, auditor, { rule: RULE })).toEqual(flagsBefore);
    });

    it('reports each bad line by line and field, never with its BSN; cells like __proto__ or a NUL are a line error', async () => {
      const bsn = validBsn(7100);
      const lines = [
        EXAM_RESULTS,
        `${bsn},2024-09-01,READING,A1`,
        `${bsn},2024-13-01,LISTENING,A1`,
        `${bsn},2024-09-01,__proto__,A1`,
        `${bsn},2024-09-01,WRITING,constructor`,
        `${bsn},2024-09-01,SPEAKING,C1`,
        `123456789,2024-09-01,SPEAKING,A1`,
        `${bsn},2024-09-01,reading,A1`,
        `${bsn},2024-09-01,SPEAKING,A1\u0000`,
        `${bsn},2024-09-01,SPEAKING`,
      ];
      const done = await importCsv(t, duo, IMPORT, lines.join('\n'));
      expect(done).toMatchObject({ status: 'DONE', rowsTotal: 9, rowsAccepted: 1, rowsRejected: 8 });
      expect(done.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
      const messages = done.errors.map((e) => e.message);
      expect(messages[0]).toBe('exam_date must be a date (YYYY-MM-DD)');
      expect(messages[1]).toBe('component must be one of READING, LISTENING, WRITING, SPEAKING');
      expect(messages[2]).toBe('level must be one of BELOW_A1, A1, A2, B1, B2');
      expect(messages[3]).toBe('level must be one of BELOW_A1, A1, A2, B1, B2');
      expect(messages[4]).toMatch(/^bsn /);
      expect(messages[5]).toMatch(/^component /);
      expect(messages[6]).toBe('level must not contain a NUL character');
      expect(messages[7]).toBe('expected 4 fields, found 3');
      for (const message of messages) for (const b of [bsn, '123456789']) expect(message).not.toContain(b);
      const logs = readdirSync(TEST_LOG_DIR)
        .map((file) => readFileSync(join(TEST_LOG_DIR, file), 'utf8'))
        .join('\n');
      for (const { bsn: b } of Object.values(cases)) expect(logs).not.toContain(b);
      expect(logs).not.toContain(bsn);
    });

    it('ends a file with a bad header FAILED naming the missing field, and stores nothing of it', async () => {
      const before = await t.sql(`SELECT count(*)::int AS n FROM exam_results`);
      const failed = await importCsv(
        t,
        duo,
        IMPORT,
        `bsn,exam_date,component,grade\n${validBsn(7200)},2024-09-01,READING,A1\n`,
      );
      expect(failed.status).toBe('FAILED');
      expect(failed.failure).toContain('missing column(s) level');
      expect(failed.failure).toContain('unknown column(s) grade');
      expect(failed.errors).toEqual([{ line: 1, message: failed.failure }]);
      expect(await t.sql(`SELECT count(*)::int AS n FROM exam_results`)).toEqual(before);
    });

    it('lets only DUO import exam results (a school and an auditor 403), and audits the import', async () => {
      for (const user of [a.schoolUser, auditor]) {
        await t.http
          .post(`${API}${IMPORT}`)
          .set(...bearer(user))
          .set('Content-Type', 'text/csv')
          .send(`${EXAM_RESULTS}\n`)
          .expect(403);
      }
      const [done] = await t.sql<{ id: string }>(
        `SELECT id FROM imports WHERE kind = 'EXAM_RESULTS' AND status = 'DONE' ORDER BY created_at LIMIT 1`,
      );
      const events = await t.http
        .get(`${API}/audit-events`)
        .query({ subjectType: 'IMPORT', subjectId: done.id })
        .set(...bearer(auditor))
        .expect(200);
      expect(events.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
        'CREATE',
        'IMPORT_DONE',
      ]);
    });
  });

  describe('the rule', () => {
    it("flags a declaration of exactly minimumHours, MEDIUM, with each component's latest result, the expected level and the window", async () => {
      const [flag] = await ruleFlags('fixture');
      expect(flag).toMatchObject({
        severity: 'MEDIUM',
        status: 'OPEN',
        schoolId: a.school.id,
        subjectType: 'HOURS_DECLARATION',
        period: { from: '2024-01-01', to: '2024-06-30' },
      });
      expect(flag.explanation).toBe(
        'Declared 400 h for 2024-01-01..2024-06-30 (the rule looks at declarations of at least 400 h). ' +
          "The learner's latest exam result per component dated 2024-07-01..2024-12-30 (within 6 months after the period): " +
          'READING A1 on 2024-09-02, LISTENING A1 on 2024-09-02, WRITING BELOW_A1 on 2024-12-30, SPEAKING A2 on 2024-09-03. ' +
          'That is below A2 on 3 of the 4 components; 3 or more flag it.',
      );
      expect(flag.evidence).toMatchObject({
        declaredHours: 400,
        periodStart: '2024-01-01',
        periodEnd: '2024-06-30',
        minimumHours: 400,
        expectedLevel: 'A2',
        windowMonths: 6,
        windowFrom: '2024-07-01',
        windowTo: '2024-12-30',
        componentsBelow: 3,
        minimumComponents: 3,
      });
      const exams = flag.evidence.records.filter((r) => r.type === 'EXAM_RESULT') as unknown as {
        component: string;
        level: string;
        examDate: string;
      }[];
      expect(exams.map(({ component, level, examDate }) => [component, level, examDate])).toEqual(
        belowOnThree,
      );
      expect(flag.evidence.records).toContainEqual({
        type: 'HOURS_DECLARATION',
        id: cases.fixture.declarationId,
        schoolId: a.school.id,
      });
      // The school reads the results on its own flag: they are about its declaration's learner.
      const [own] = await flags(t, a.schoolUser, { rule: RULE, subjectId: cases.fixture.declarationId });
      expect(own.evidence.records.filter((r) => r.type === 'EXAM_RESULT')).toHaveLength(4);
    });

    it.each([
      ['0.01 h under minimumHours', 'justUnderHours'],
      ['a result one day after the window', 'oneDayOutside'],
      ['a result on periodEnd, before the window', 'onPeriodEnd'],
      ['two components below instead of three', 'twoBelow'],
      ['a later, better result on one component', 'laterBetter'],
      ['a declaration DUO accepted', 'accepted'],
    ])('does not flag %s', async (_what, name) => {
      expect(await ruleFlags(name)).toHaveLength(0);
    });

    it('applies changed parameters, but leaves the flag of a declaration accepted meanwhile as it stands', async () => {
      const [settled] = await ruleFlags('acceptedLater');
      expect(settled.status).toBe('OPEN');
      await t.sql(`UPDATE hours_declarations SET status = 'ACCEPTED' WHERE id = $1`, [
        cases.acceptedLater.declarationId,
      ]);
      const patch = (parameters: object) =>
        t.http
          .patch(`${API}/rules/${RULE}`)
          .set(...bearer(auditor))
          .send({ parameters })
          .expect(200);
      // Below A1 only WRITING is: the fixture's flag no longer fires.
      const lowered = await patch({ expectedLevel: 'A1' });
      await waitForCheckRun(t, auditor, lowered.body.checkRunId);
      expect(await ruleFlags('fixture')).toMatchObject([{ status: 'WITHDRAWN' }]);
      expect(await ruleFlags('acceptedLater')).toEqual([settled]);
      const restored = await patch({ expectedLevel: 'A2' });
      await waitForCheckRun(t, auditor, restored.body.checkRunId);
      expect(await ruleFlags('fixture')).toMatchObject([{ status: 'OPEN' }]);
      expect(await ruleFlags('accepted')).toHaveLength(0);
    });

    it('validates its parameters: an unknown expectedLevel is a 400 naming the field, and nothing changes', async () => {
      const before = await t.http
        .get(`${API}/rules`)
        .set(...bearer(auditor))
        .expect(200);
      const rule = (body: { code: string }[]) => body.find((r) => r.code === RULE);
      expect(rule(before.body)).toMatchObject({
        subjectType: 'HOURS_DECLARATION',
        defaultSeverity: 'MEDIUM',
        parameters: { minimumHours: 400, windowMonths: 6, expectedLevel: 'A2', minimumComponents: 3 },
      });
      for (const expectedLevel of ['C1', 'a2', '__proto__', 2]) {
        const bad = await t.http
          .patch(`${API}/rules/${RULE}`)
          .set(...bearer(auditor))
          .send({ parameters: { expectedLevel } })
          .expect(400);
        expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(bad.body.invalidParams).toEqual([
          {
            name: 'parameters.expectedLevel',
            reason: 'expectedLevel must be one of BELOW_A1, A1, A2, B1, B2',
          },
        ]);
      }
      const bad = await t.http
        .patch(`${API}/rules/${RULE}`)
        .set(...bearer(auditor))
        .send({ parameters: { minimumComponents: 5, windowMonths: 0.5 } })
        .expect(400);
      expect(bad.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual([
        'parameters.minimumComponents',
        'parameters.windowMonths',
      ]);
      const after = await t.http
        .get(`${API}/rules`)
        .set(...bearer(auditor))
        .expect(200);
      expect(rule(after.body)).toEqual(rule(before.body));
    });
  });
});
