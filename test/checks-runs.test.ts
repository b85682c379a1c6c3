import { CheckRunsService } from '../src/checks/check-runs.service';
import { PendingChecks } from '../src/queue/pending-checks';
import { checkRun, checksSettled, eventually, waitForCheckRun } from './support/checks';
import {
  newDeclaration,
  newGroup,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  validBsn,
} from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';

/** What a flag says, without its id and times: two runs over the same data must give the same. */
const FLAG_STATE = `
  SELECT rule_code, subject_type, subject_id, school_id, period_from::text, period_to::text, status, severity, explanation, evidence
  FROM flags ORDER BY rule_code, subject_id, school_id, period_from`;

/** Check runs (POST /check-runs as a BullMQ flow), the pending-checks reconciler, and surviving a worker crash. */
describe('check runs', () => {
  let t: TestApp;
  let auditor: TestUser;
  let schoolIds: string[];

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    auditor = await t.user('AUDITOR');
    schoolIds = [];
    // Three schools whose data breaks rules: declarations without contracts, a learner in two places at once.
    let seq = 7000;
    const shared = validBsn(seq++);
    for (let i = 0; i < 3; i++) {
      const { school, schoolUser } = await newSchoolWithUser(t, { grantedFrom: '2023-01-01' });
      schoolIds.push(school.id);
      const group = await newGroup(t, schoolUser);
      const teacher = await newTeacher(t, schoolUser);
      await newLesson(t, schoolUser, {
        groupCode: group.code,
        teacherReference: teacher.reference,
        startsAt: `2024-03-04T${String(9 + i).padStart(2, '0')}:00:00+01:00`,
        endsAt: `2024-03-04T${11 + i}:00:00+01:00`,
        attendeeBsns: [shared, validBsn(seq++)],
      });
      await newDeclaration(t, schoolUser, { learnerBsn: validBsn(seq++), hours: 10 });
    }
    await checksSettled(t);
  });
  afterAll(() => t.close());

  it('refuses callers other than AUDITOR, DUO and ADMIN, an unknown school (422) and an unknown run (404)', async () => {
    const schoolUser = await t.user('SCHOOL', schoolIds[0]);
    await t.http
      .post(`${API}/check-runs`)
      .set(...bearer(schoolUser))
      .send({})
      .expect(403);
    const unknown = await t.http
      .post(`${API}/check-runs`)
      .set(...bearer(auditor))
      .send({ schoolId: '00000000-0000-4000-8000-000000000000' })
      .expect(422);
    expect(unknown.body.invalidParams[0].name).toBe('schoolId');
    await t.http
      .post(`${API}/check-runs`)
      .set(...bearer(auditor))
      .send({ schoolId: 'nope' })
      .expect(400);
    await t.http
      .get(`${API}/check-runs/00000000-0000-4000-8000-000000000000`)
      .set(...bearer(auditor))
      .expect(404);
  });

  it('re-checking unchanged data raises and withdraws nothing and changes no flag', async () => {
    const before = await t.sql(FLAG_STATE);
    expect(before.length).toBeGreaterThanOrEqual(9);
    const run = await checkRun(t, auditor);
    expect(run).toMatchObject({
      status: 'DONE',
      progress: 1,
      flagsRaised: 0,
      flagsWithdrawn: 0,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    expect(await t.sql(FLAG_STATE)).toEqual(before);
    // Every unit records how long it took: the next whole-country run queues its units longest first by it.
    const units = await t.sql(`SELECT unit, duration_ms FROM check_run_units WHERE check_run_id = $1`, [
      run.id,
    ]);
    const [{ units_total }] = await t.sql(`SELECT units_total FROM check_runs WHERE id = $1`, [run.id]);
    expect(units).toHaveLength(Number(units_total));
    for (const unit of units) expect(unit.duration_ms).toBeGreaterThanOrEqual(0);
    const oneSchool = await checkRun(t, auditor, { schoolId: schoolIds[0] });
    expect(oneSchool).toMatchObject({ status: 'DONE', flagsRaised: 0, flagsWithdrawn: 0 });
  });

  it('ends with exactly the flags of an undisturbed run when the worker stops mid-run and starts again', async () => {
    const undisturbed = await t.sql(FLAG_STATE);
    // Lose every flag, then rebuild them with a run that the worker abandons half-way.
    await t.sql(`DELETE FROM flag_events; DELETE FROM flags`);
    // Forty more (empty) schools: forty more units, so that the run is still going when the worker stops.
    await t.sql(
      `INSERT INTO schools (name, kvk_number) SELECT 'Empty ' || g, (20000000 + g)::text FROM generate_series(1, 40) g`,
    );
    const started = await t.http
      .post(`${API}/check-runs`)
      .set(...bearer(auditor))
      .send({})
      .expect(202);
    await eventually(
      async () =>
        (await t.sql(`SELECT 1 FROM check_run_units WHERE check_run_id = $1`, [started.body.id])).length > 0
          ? true
          : undefined,
      'a first unit',
    );
    await t.stopWorker();
    const halfway = await t.http
      .get(`${API}/check-runs/${started.body.id}`)
      .set(...bearer(auditor))
      .expect(200);
    expect(halfway.body).toMatchObject({ status: 'RUNNING' });
    expect(halfway.body.progress).toBeGreaterThan(0);
    expect(halfway.body.progress).toBeLessThan(1);

    await t.startWorker();
    const run = await waitForCheckRun(t, auditor, started.body.id);
    expect(run).toMatchObject({
      status: 'DONE',
      progress: 1,
      flagsRaised: undisturbed.length,
      flagsWithdrawn: 0,
    });
    expect(await t.sql(FLAG_STATE)).toEqual(undisturbed.map((f) => ({ ...f, status: 'OPEN' })));
  });

  it('counts a unit once when its job runs again after it committed (a crash before the job was acknowledged)', async () => {
    const { id } = (
      await t.http
        .post(`${API}/check-runs`)
        .set(...bearer(auditor))
        .send({ schoolId: schoolIds[1] })
        .expect(202)
    ).body;
    const done = await waitForCheckRun(t, auditor, id);
    const again = await t.app.get(CheckRunsService).runUnit(id, 'school', [schoolIds[1]], {
      jobId: 'retry',
      attemptsMade: 1,
      isLastAttempt: false,
      progress: async () => undefined,
    });
    expect(again).toBeNull();
    expect((await t.http.get(`${API}/check-runs/${id}`).set(...bearer(auditor))).body).toEqual(done);
  });

  it('works off pending checks whose job Redis lost: the reconciler finds the markers', async () => {
    const [declaration] = await t.sql<{ id: string; learner_id: string }>(
      `SELECT id, learner_id FROM hours_declarations WHERE school_id = $1`,
      [schoolIds[2]],
    );
    await t.sql(
      `UPDATE flags SET status = 'WITHDRAWN' WHERE subject_id = $1 AND rule_code = 'DECLARATION_WITHOUT_DUO_CONTRACT'`,
      [declaration.id],
    );
    await t.sql(`INSERT INTO pending_checks (scope_type, scope_id) VALUES ('LEARNER', $1)`, [
      declaration.learner_id,
    ]); // no kick
    await checksSettled(t);
    const [flag] = await t.sql<{ status: string }>(
      `SELECT status FROM flags WHERE subject_id = $1 AND rule_code = 'DECLARATION_WITHOUT_DUO_CONTRACT'`,
      [declaration.id],
    );
    expect(flag.status).toBe('OPEN');
  });

  it('brings the planner statistics of flags up to date after checks that changed many of them, not after a run that changed none', async () => {
    const analyses = async (): Promise<number> =>
      Number(
        (await t.sql(`SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'flags'`))[0]
          .analyze_count,
      );
    const until = (count: number, what: string): Promise<true> =>
      eventually(async () => ((await analyses()) === count ? true : undefined), what);
    // Sixty one-hour declarations of a learner without contract or attendance, written past the portal: each
    // breaks several rules, so checking them changes far more than autovacuum's threshold (50 and a tenth).
    const [{ school_id, learner_id }] = await t.sql<{ school_id: string; learner_id: string }>(
      `SELECT school_id, learner_id FROM hours_declarations WHERE school_id = $1`,
      [schoolIds[0]],
    );
    const declare = (year: number): Promise<unknown> =>
      t.sql(
        `INSERT INTO hours_declarations (school_id, learner_id, purpose, period_start, period_end, hours, issued_on)
         SELECT $1, $2, 'AGI', make_date($3, 1, 1) + d, make_date($3, 1, 1) + d, 1, make_date($3, 12, 31) FROM generate_series(0, 59) d`,
        [school_id, learner_id, year],
      );

    const before = await analyses();
    expect(await checkRun(t, auditor)).toMatchObject({ flagsRaised: 0, flagsWithdrawn: 0 });
    await declare(2022);
    const run = await checkRun(t, auditor);
    expect(run.flagsRaised).toBeGreaterThanOrEqual(120);
    await until(before + 1, 'the ANALYZE after the run that raised them');

    // The same through the pending-checks outbox (a burst of submissions or a DUO import marks the learners).
    await declare(2021);
    await t.sql(`INSERT INTO pending_checks (scope_type, scope_id) VALUES ('LEARNER', $1)`, [learner_id]);
    await t.app.get(PendingChecks).kick();
    await checksSettled(t);
    await until(before + 2, 'the ANALYZE after the pending checks that raised them');
  });
});
