import { existsSync } from 'node:fs';
import { onlyFlagOn } from './support/checks';
import {
  importCsv,
  newGroup,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  postCsv,
  SchoolWithUser,
  validBsn,
  waitForImport,
} from './support/factories';
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
const HEADER = 'group_code,teacher_reference,starts_at,ends_at,bsn,mode';

describe('CSV lesson import', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let b: SchoolWithUser;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true, env: { IMPORT_MAX_BYTES: '4096' } });
    a = await newSchoolWithUser(t, { grantedFrom: '2024-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2024-01-01' });
    await newGroup(t, a.schoolUser, { code: 'G1' });
    await newTeacher(t, a.schoolUser, { reference: 'T1' });
  });
  afterAll(() => t.close());

  // Every lesson's stored attendee count (GROUP_SIZE_EXCEEDED reads it) is its attendance, whatever wrote it.
  afterEach(async () => {
    expect(
      await t.sql(
        `SELECT l.id, c.attendees, n.attendance FROM lessons l
         LEFT JOIN lesson_attendee_counts c ON c.lesson_id = l.id
         CROSS JOIN LATERAL (SELECT count(*)::int AS attendance FROM lesson_attendees a WHERE a.lesson_id = l.id) n
         WHERE coalesce(c.attendees, 0) <> n.attendance`,
      ),
    ).toEqual([]);
  });

  const counts = async (schoolId: string) =>
    (
      await t.sql<{ lessons: number; attendees: number }>(
        `SELECT (SELECT count(*)::int FROM lessons WHERE school_id = $1) AS lessons,
                (SELECT count(*)::int FROM lesson_attendees WHERE school_id = $1) AS attendees`,
        [schoolId],
      )
    )[0];

  it('stores the good rows as lessons with attendees, reports each bad row by line, and ends DONE', async () => {
    const csv = [
      HEADER,
      `G1,T1,2024-03-04T09:00:00+01:00,2024-03-04T11:00:00+01:00,${validBsn(10)},`, // line 2: lesson 1
      `G1,T1,2024-03-04T09:00:00+01:00,2024-03-04T11:00:00+01:00,${validBsn(11)},IN_PERSON`, // line 3: lesson 1
      `G1,T1,2024-03-05T09:00:00+01:00,2024-03-05T10:30:00+01:00,${validBsn(10)},REMOTE`, // line 4: lesson 2
      `G9,T1,2024-03-04T09:00:00+01:00,2024-03-04T11:00:00+01:00,${validBsn(12)},`, // line 5: unknown group
      `G1,T9,2024-03-04T09:00:00+01:00,2024-03-04T11:00:00+01:00,${validBsn(12)},`, // line 6: unknown teacher
      `G1,T1,2024-03-04T09:00:00+01:00,2024-03-04T11:00:00+01:00,123456780,`, // line 7: bad BSN
      `G1,T1,2024-03-04T11:00:00+01:00,2024-03-04T09:00:00+01:00,${validBsn(12)},`, // line 8: ends before it starts
      `G1,T1,2024-03-04T09:00:00+01:00,2024-03-04T18:00:00+01:00,${validBsn(12)},`, // line 9: over 8 hours
      `G1,T1,2024-03-04 09:00,2024-03-04T11:00:00+01:00,${validBsn(12)},`, // line 10: no offset
      `G1,T1,2024-03-04T09:00:00+01:00,2024-03-04T11:00:00+01:00,${validBsn(12)},BY_PIGEON`, // line 11: bad mode
      `G1,T1,2024-03-04T09:00:00+01:00`, // line 12: too few fields
    ].join('\n');
    const result = await importCsv(t, a.schoolUser, '/lessons/imports', csv);
    expect(result).toMatchObject({
      kind: 'LESSONS',
      status: 'DONE',
      rowsTotal: 11,
      rowsAccepted: 3,
      rowsRejected: 8,
    });
    expect(result.errors.map((e) => e.line)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result.errors[0].message).toMatch(/group_code/);
    expect(result.errors[1].message).toMatch(/teacher_reference/);
    expect(result.errors[2].message).toMatch(/bsn/);
    expect(await counts(a.school.id)).toEqual({ lessons: 2, attendees: 3 });
    const remote = await t.sql(
      `SELECT counts FROM lesson_attendees a JOIN lessons l ON l.id = a.lesson_id WHERE l.mode = 'REMOTE'`,
    );
    expect(remote).toEqual([{ counts: false }]);
    // The lessons are readable through the API, with the import named.
    const listed = await t.http
      .get(`${API}/lessons?importId=${result.id}`)
      .set(...bearer(a.schoolUser))
      .expect(200);
    expect(listed.body.total).toBe(2);
  });

  it('changes nothing when the same file is imported again', async () => {
    const csv = [HEADER, `G1,T1,2024-04-01T09:00:00+02:00,2024-04-01T11:00:00+02:00,${validBsn(20)},`].join(
      '\n',
    );
    const first = await importCsv(t, a.schoolUser, '/lessons/imports', csv);
    expect(first).toMatchObject({ status: 'DONE', rowsAccepted: 1 });
    const before = await counts(a.school.id);
    const learnersBefore = await t.sql(`SELECT count(*)::int AS n FROM learners`);
    const second = await importCsv(t, a.schoolUser, '/lessons/imports', csv);
    expect(second).toMatchObject({ status: 'DONE', rowsRejected: 0 });
    expect(await counts(a.school.id)).toEqual(before);
    expect(await t.sql(`SELECT count(*)::int AS n FROM learners`)).toEqual(learnersBefore);
  });

  it('stores an attendee listed twice for one lesson once', async () => {
    const row = `G1,T1,2024-09-02T09:00:00+02:00,2024-09-02T11:00:00+02:00,${validBsn(70)},`;
    const result = await importCsv(t, a.schoolUser, '/lessons/imports', [HEADER, row, row].join('\n'));
    expect(result).toMatchObject({ status: 'DONE', rowsTotal: 2, rowsRejected: 0 });
    const attendees = await t.sql(
      `SELECT count(*)::int AS n FROM lesson_attendees a JOIN lessons l ON l.id = a.lesson_id WHERE l.import_id = $1`,
      [result.id],
    );
    expect(attendees).toEqual([{ n: 1 }]);
  });

  it('adds the new attendees of a lesson stored earlier, keeping the ones it had', async () => {
    const lesson = 'G1,T1,2024-10-07T09:00:00+02:00,2024-10-07T11:00:00+02:00';
    const first = await importCsv(
      t,
      a.schoolUser,
      '/lessons/imports',
      [HEADER, `${lesson},${validBsn(80)},`, `${lesson},${validBsn(81)},`].join('\n'),
    );
    const second = await importCsv(
      t,
      a.schoolUser,
      '/lessons/imports',
      [HEADER, `${lesson},${validBsn(81)},`, `${lesson},${validBsn(82)},`].join('\n'),
    );
    expect(second).toMatchObject({ status: 'DONE', rowsTotal: 2, rowsAccepted: 2, rowsRejected: 0 });
    const attendees = await t.sql(
      `SELECT count(*)::int AS n FROM lesson_attendees a JOIN lessons l ON l.id = a.lesson_id WHERE l.import_id = $1`,
      [first.id],
    );
    expect(attendees).toEqual([{ n: 3 }]);
  });

  it('adds attendees to a lesson registered by hand (POST /lessons)', async () => {
    const lesson = await newLesson(t, a.schoolUser, {
      groupCode: 'G1',
      teacherReference: 'T1',
      startsAt: '2024-10-08T09:00:00+02:00',
      endsAt: '2024-10-08T11:00:00+02:00',
      attendeeBsns: [validBsn(83)],
    });
    const result = await importCsv(
      t,
      a.schoolUser,
      '/lessons/imports',
      [HEADER, `G1,T1,2024-10-08T09:00:00+02:00,2024-10-08T11:00:00+02:00,${validBsn(84)},`].join('\n'),
    );
    expect(result).toMatchObject({ status: 'DONE', rowsAccepted: 1, rowsRejected: 0 });
    const attendees = await t.sql(`SELECT count(*)::int AS n FROM lesson_attendees WHERE lesson_id = $1`, [
      lesson.id,
    ]);
    expect(attendees).toEqual([{ n: 2 }]);
  });

  it("counts the attendees two imports add at once to the same earlier lessons, and flags the lesson they push over its group's maximum", async () => {
    const auditor: TestUser = await t.user('AUDITOR');
    await newGroup(t, b.schoolUser, { code: 'S2', maxSize: 4 });
    await newTeacher(t, b.schoolUser, { reference: 'T2' });
    const lessons = ['2024-12-02', '2024-12-03'].map(
      (day) => `S2,T2,${day}T09:00:00+01:00,${day}T11:00:00+01:00`,
    );
    const file = (learners: number[]) =>
      [HEADER, ...lessons.flatMap((lesson) => learners.map((n) => `${lesson},${validBsn(n)},`))].join('\n');
    const first = await importCsv(t, b.schoolUser, '/lessons/imports', file([300, 301]));
    // Two files at once, each adding three attendees to both lessons, one of them named in both files.
    const posted = await Promise.all(
      [file([302, 303, 304]), file([304, 305, 306])].map((csv) =>
        postCsv(t, b.schoolUser, '/lessons/imports', csv),
      ),
    );
    const done = await Promise.all(posted.map(({ id }) => waitForImport(t, b.schoolUser, id)));
    expect(done.map((d) => d.status)).toEqual(['DONE', 'DONE']);
    const stored = await t.sql<{ id: string; attendees: number }>(
      `SELECT l.id, c.attendees FROM lessons l JOIN lesson_attendee_counts c ON c.lesson_id = l.id
       WHERE l.import_id = $1 ORDER BY l.starts_at`,
      [first.id],
    );
    expect(stored.map((l) => l.attendees)).toEqual([7, 7]);
    const flag = await onlyFlagOn(t, auditor, 'GROUP_SIZE_EXCEEDED', stored[0].id);
    expect(flag.evidence).toMatchObject({ attendees: 7, maximum: 4 });
    expect(flag.explanation).toContain('had 7 attendees');
  });

  it('keeps the count when attendance is deleted or moved to another lesson (no portal path does either; a fix in SQL might)', async () => {
    await newGroup(t, b.schoolUser, { code: 'S3' });
    await newTeacher(t, b.schoolUser, { reference: 'T3' });
    const rows = ['2024-12-09', '2024-12-10'].flatMap((day) =>
      [310, 311, 312].map((n) => `S3,T3,${day}T09:00:00+01:00,${day}T11:00:00+01:00,${validBsn(n)},`),
    );
    const imported = await importCsv(t, b.schoolUser, '/lessons/imports', [HEADER, ...rows].join('\n'));
    const [first, second] = (
      await t.sql<{ id: string }>(`SELECT id FROM lessons WHERE import_id = $1 ORDER BY starts_at`, [
        imported.id,
      ])
    ).map((l) => l.id);
    const oneAttendee = `(SELECT learner_id FROM lesson_attendees WHERE lesson_id = $1 ORDER BY learner_id LIMIT 1)`;
    await t.sql(`DELETE FROM lesson_attendees WHERE lesson_id = $1 AND learner_id = ${oneAttendee}`, [first]);
    await t.sql(
      `UPDATE lesson_attendees SET lesson_id = $2 WHERE lesson_id = $1 AND learner_id = ${oneAttendee}`,
      [first, second],
    );
    const stored = await t.sql<{ attendees: number }>(
      `SELECT attendees FROM lesson_attendee_counts WHERE lesson_id = ANY($1::uuid[]) ORDER BY lesson_id = $2 DESC`,
      [[first, second], first],
    );
    expect(stored.map((c) => c.attendees)).toEqual([1, 4]);
  });

  it('makes one lesson of rows far apart in the file, and refuses all its rows when they disagree on the mode', async () => {
    const one = 'G1,T1,2024-11-04T09:00:00+01:00,2024-11-04T11:00:00+01:00';
    const other = 'G1,T1,2024-11-05T09:00:00+01:00,2024-11-05T11:00:00+01:00';
    const result = await importCsv(
      t,
      a.schoolUser,
      '/lessons/imports',
      [
        HEADER,
        `${one},${validBsn(90)},`, // line 2
        `${other},${validBsn(90)},IN_PERSON`, // line 3
        `${one},${validBsn(91)},IN_PERSON`, // line 4: the first lesson again
        `${other},${validBsn(91)},REMOTE`, // line 5: the second lesson in another mode
      ].join('\n'),
    );
    expect(result).toMatchObject({ status: 'DONE', rowsTotal: 4, rowsAccepted: 2, rowsRejected: 2 });
    expect(result.errors.map((e) => e.line)).toEqual([3, 5]);
    const lessons = await t.sql(
      `SELECT l.starts_at, count(a.*)::int AS attendees FROM lessons l JOIN lesson_attendees a ON a.lesson_id = l.id
       WHERE l.import_id = $1 GROUP BY l.starts_at`,
      [result.id],
    );
    expect(lessons).toEqual([{ starts_at: new Date('2024-11-04T08:00:00Z'), attendees: 2 }]);
  });

  it('refuses rows that disagree on the mode of one lesson, and keeps the rest', async () => {
    const csv = [
      HEADER,
      `G1,T1,2024-05-01T09:00:00+02:00,2024-05-01T11:00:00+02:00,${validBsn(30)},IN_PERSON`,
      `G1,T1,2024-05-01T09:00:00+02:00,2024-05-01T11:00:00+02:00,${validBsn(31)},REMOTE`,
      `G1,T1,2024-05-02T09:00:00+02:00,2024-05-02T11:00:00+02:00,${validBsn(30)},`,
    ].join('\n');
    const result = await importCsv(t, a.schoolUser, '/lessons/imports', csv);
    expect(result).toMatchObject({ status: 'DONE', rowsTotal: 3, rowsAccepted: 1, rowsRejected: 2 });
    expect(result.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(result.errors[0].message).toMatch(/mode/);
  });

  it('reads quoted fields, CRLF line ends and a BOM, and counts lines across empty ones', async () => {
    const csv = [
      `\uFEFF${HEADER}`,
      `"G1","T1",2024-08-01T09:00:00+02:00,2024-08-01T10:00:00+02:00,${validBsn(60)},"IN_PERSON"`,
      '',
      `G1,T1,2024-08-01T09:00:00+02:00,2024-08-01T10:00:00+02:00,${validBsn(61)},`,
      `"G""9",T1,2024-08-01T09:00:00+02:00,2024-08-01T10:00:00+02:00,${validBsn(62)},`,
    ].join('\r\n');
    const result = await importCsv(t, a.schoolUser, '/lessons/imports', csv);
    expect(result).toMatchObject({ status: 'DONE', rowsTotal: 3, rowsAccepted: 2, rowsRejected: 1 });
    expect(result.errors).toEqual([{ line: 5, message: expect.stringMatching(/group_code/) }]);
  });

  it('fails a file whose header lacks a column, reporting line 1', async () => {
    const result = await importCsv(
      t,
      a.schoolUser,
      '/lessons/imports',
      'group_code,teacher_reference,starts_at,bsn\nG1,T1,2024-03-04T09:00:00+01:00,x',
    );
    expect(result).toMatchObject({ status: 'FAILED', rowsAccepted: 0 });
    expect(result.errors).toEqual([{ line: 1, message: expect.stringMatching(/ends_at/) }]);
  });

  it('never names a BSN in a row error', async () => {
    const bad = '123456780';
    const good = validBsn(40);
    const csv = [
      HEADER,
      `G1,T1,2024-06-01T09:00:00+02:00,2024-06-01T11:00:00+02:00,${bad},`,
      `G9,T1,2024-06-01T09:00:00+02:00,2024-06-01T11:00:00+02:00,${good},`,
      `"G1,T1,${good}`,
    ].join('\n');
    const result = await importCsv(t, a.schoolUser, '/lessons/imports', csv);
    const text = JSON.stringify(result);
    expect(text).not.toContain(bad);
    expect(text).not.toContain(good);
    expect(result.rowsRejected).toBeGreaterThanOrEqual(2);
  });

  it('answers 415 for a body that is not text/csv and 413 for a file over the limit, storing no import', async () => {
    const before = await t.sql(`SELECT count(*)::int AS n FROM imports`);
    const json = await t.http
      .post(`${API}/lessons/imports`)
      .set(...bearer(a.schoolUser))
      .send({ rows: [] })
      .expect(415);
    expect(json.headers['content-type']).toMatch(/application\/problem\+json/);
    const big = `${HEADER}\n${'G1,T1,2024-03-04T09:00:00+01:00,2024-03-04T11:00:00+01:00,111222333,\n'.repeat(100)}`;
    const tooLarge = await t.http
      .post(`${API}/lessons/imports`)
      .set(...bearer(a.schoolUser))
      .set('Content-Type', 'text/csv')
      .send(big)
      .expect(413);
    expect(tooLarge.body).toMatchObject({ status: 413 });
    expect(await t.sql(`SELECT count(*)::int AS n FROM imports`)).toEqual(before);
  });

  it('shows an import only to its own school, and to DUO, AUDITOR and ADMIN', async () => {
    const { id } = await postCsv(t, a.schoolUser, '/lessons/imports', `${HEADER}\n`);
    await t.http
      .get(`${API}/imports/${id}`)
      .set(...bearer(b.schoolUser))
      .expect(404);
    for (const role of ['DUO', 'AUDITOR', 'ADMIN'] as const) {
      await waitForImport(t, await t.user(role), id);
    }
  });

  it('lets only a SCHOOL upload lessons', async () => {
    for (const role of ['DUO', 'AUDITOR', 'ADMIN'] as const) {
      const user = await t.user(role);
      await t.http
        .post(`${API}/lessons/imports`)
        .set(...bearer(user))
        .set('Content-Type', 'text/csv')
        .send(`${HEADER}\n`)
        .expect(403);
    }
    await t.http
      .post(`${API}/lessons/imports`)
      .set('Content-Type', 'text/csv')
      .send(`${HEADER}\n`)
      .expect(401);
  });

  it('removes the uploaded file (BSNs in clear) once the import is over', async () => {
    const { id } = await postCsv(
      t,
      a.schoolUser,
      '/lessons/imports',
      `${HEADER}\nG1,T1,2024-07-01T09:00:00+02:00,2024-07-01T10:00:00+02:00,${validBsn(50)},\n`,
    );
    await waitForImport(t, a.schoolUser, id);
    const [{ file_path }] = await t.sql<{ file_path: string }>(
      `SELECT file_path FROM imports WHERE id = $1`,
      [id],
    );
    expect(file_path).toContain(id);
    expect(existsSync(file_path)).toBe(false);
  });

  it('audits the upload', async () => {
    const { id } = await postCsv(t, a.schoolUser, '/lessons/imports', `${HEADER}\n`);
    await waitForImport(t, a.schoolUser, id);
    const events = await t.sql(
      `SELECT action, actor_id FROM audit_events WHERE subject_type = 'IMPORT' AND subject_id = $1 ORDER BY id`,
      [id],
    );
    expect(events).toEqual([
      { action: 'CREATE', actor_id: a.schoolUser.id },
      { action: 'IMPORT_DONE', actor_id: null },
    ]);
  });
});
