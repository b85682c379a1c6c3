import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './support/checks';
import {
  importCsv,
  newContract,
  newDeclaration,
  newGroup,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  validBsn,
} from './support/factories';
import { bearer, TestApp } from './support/test-app';
import { TEST_LOG_DIR } from './support/test-env';

const API = '/api/v1';

describe('no BSN in the logs', () => {
  let t: TestApp;
  // BSNs of this file only (a range no other test uses), valid and invalid ones.
  const valid = [validBsn(7_000_001), validBsn(7_000_002), validBsn(7_000_003)];
  const invalid = ['987654320', '111111112'];

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    const { schoolUser } = await newSchoolWithUser(t, { grantedFrom: '2024-01-01' });
    const group = await newGroup(t, schoolUser);
    const teacher = await newTeacher(t, schoolUser);
    await newLesson(t, schoolUser, {
      groupCode: group.code,
      teacherReference: teacher.reference,
      startsAt: '2024-03-04T09:00:00+01:00',
      endsAt: '2024-03-04T11:00:00+01:00',
      attendeeBsns: valid,
    });
    await newContract(t, schoolUser, { learnerBsn: valid[0] });
    await newDeclaration(t, schoolUser, { learnerBsn: valid[1] });
    // Refusals: a bad BSN in a body, a bad one in a list, a conflict, an unknown group.
    await t.http
      .post(`${API}/contracts`)
      .set(...bearer(schoolUser))
      .send({ learnerBsn: invalid[0] })
      .expect(400);
    await t.http
      .post(`${API}/lessons`)
      .set(...bearer(schoolUser))
      .send({
        groupCode: 'NOPE',
        teacherReference: teacher.reference,
        startsAt: '2024-03-05T09:00:00+01:00',
        endsAt: '2024-03-05T10:00:00+01:00',
        attendeeBsns: [valid[2], invalid[1]],
      })
      .expect(400);
    await t.http
      .post(`${API}/lessons`)
      .set(...bearer(schoolUser))
      .send({
        groupCode: 'NOPE',
        teacherReference: teacher.reference,
        startsAt: '2024-03-05T09:00:00+01:00',
        endsAt: '2024-03-05T10:00:00+01:00',
        attendeeBsns: [valid[2]],
      })
      .expect(422);
    // A BSN where a learner lookup takes it (query string), as DUO.
    const duo = await t.user('DUO');
    await t.http
      .get(`${API}/learners?bsn=${valid[0]}`)
      .set(...bearer(duo))
      .expect(200);
    await t.http
      .get(`${API}/contracts`)
      .set(...bearer(duo))
      .expect(200);
    // A CSV import with good and bad rows, and a malformed one.
    const csv = [
      'group_code,teacher_reference,starts_at,ends_at,bsn',
      `${group.code},${teacher.reference},2024-03-06T09:00:00+01:00,2024-03-06T10:00:00+01:00,${valid[0]}`,
      `${group.code},${teacher.reference},2024-03-06T09:00:00+01:00,2024-03-06T10:00:00+01:00,${invalid[0]}`,
      `NOPE,${teacher.reference},2024-03-06T09:00:00+01:00,2024-03-06T10:00:00+01:00,${valid[1]}`,
      `"${group.code},${invalid[1]}`,
    ].join('\n');
    const imported = await importCsv(t, schoolUser, '/lessons/imports', csv);
    expect(imported).toMatchObject({ status: 'DONE', rowsAccepted: 1 });
  });
  afterAll(() => t.close());

  it('writes requests and jobs to this test’s log file, without any of the BSNs used', async () => {
    // The job's "done" line is written just after the import is marked DONE: wait for it.
    const log = await eventually(async () => {
      const text = readFileSync(t.config.log.file as string, 'utf8');
      return /run-import .* done/.test(text) ? text : undefined;
    }, "the import job's done line in the log");
    expect(log).toMatch(/POST \/api\/v1\/lessons 400/);
    expect(log).toMatch(/run-import .* done/);
    for (const bsn of [...valid, ...invalid]) expect(log).not.toContain(bsn);
  });

  it('finds none of them in any log file of the test run', () => {
    for (const file of readdirSync(TEST_LOG_DIR)) {
      const log = readFileSync(join(TEST_LOG_DIR, file), 'utf8');
      for (const bsn of [...valid, ...invalid]) expect(log).not.toContain(bsn);
    }
  });
});
