import {
  newContract,
  newDeclaration,
  newGroup,
  newInvoice,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  SchoolWithUser,
  validBsn,
} from './support/factories';
import { bearer, TestApp } from './support/test-app';

const API = '/api/v1';

describe('school submissions: happy path', () => {
  let t: TestApp;
  let a: SchoolWithUser;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2024-01-01' });
  });
  afterAll(() => t.close());

  it('registers a teacher of the school and reads it back', async () => {
    const teacher = await newTeacher(t, a.schoolUser, {
      reference: 'JDV',
      nt2ExperienceYears: 3.5,
      relatedQualification: 'PABO',
    });
    expect(teacher).toMatchObject({
      schoolId: a.school.id,
      reference: 'JDV',
      nt2Certified: true,
      nt2ExperienceYears: 3.5,
      relatedQualification: 'PABO',
    });
    const read = await t.http
      .get(`${API}/teachers/${teacher.id}`)
      .set(...bearer(a.schoolUser))
      .expect(200);
    expect(read.body).toEqual(teacher);
  });

  it('gives a group without maxSize the route maximum (12 for ALFA, 16 otherwise)', async () => {
    expect(await newGroup(t, a.schoolUser, { route: 'ALFA' })).toMatchObject({ route: 'ALFA', maxSize: 12 });
    expect(await newGroup(t, a.schoolUser, { route: 'Z' })).toMatchObject({ route: 'Z', maxSize: 16 });
    expect(await newGroup(t, a.schoolUser, { route: 'B1', maxSize: 10 })).toMatchObject({ maxSize: 10 });
  });

  it('follows the route maximum an auditor set in the GROUP_SIZE_EXCEEDED rule', async () => {
    const [before] = await t.sql<{ parameters: object }>(
      `SELECT parameters FROM rules WHERE code = 'GROUP_SIZE_EXCEEDED'`,
    );
    await t.sql(
      `UPDATE rules SET parameters = jsonb_set(parameters, '{routeMaxima,B1}', '14') WHERE code = 'GROUP_SIZE_EXCEEDED'`,
    );
    try {
      const group = await newGroup(t, a.schoolUser, { route: 'B1' });
      expect(group.maxSize).toBe(14);
      expect(await newGroup(t, a.schoolUser, { route: 'ALFA' })).toMatchObject({ maxSize: 12 });
    } finally {
      await t.sql(`UPDATE rules SET parameters = $1 WHERE code = 'GROUP_SIZE_EXCEEDED'`, [before.parameters]);
    }
  });

  it('registers a lesson with its attendees and answers its hours', async () => {
    const group = await newGroup(t, a.schoolUser);
    const teacher = await newTeacher(t, a.schoolUser);
    const lesson = await newLesson(t, a.schoolUser, {
      groupCode: group.code,
      teacherReference: teacher.reference,
      startsAt: '2024-03-04T09:00:00+01:00',
      endsAt: '2024-03-04T11:30:00+01:00',
      attendeeBsns: [validBsn(1), validBsn(2)],
    });
    expect(lesson).toMatchObject({
      hours: 2.5,
      mode: 'IN_PERSON',
      lessonDate: '2024-03-04',
      groupCode: group.code,
      teacherReference: teacher.reference,
    });
    expect(lesson.attendees).toHaveLength(2);
    const rows = await t.sql(
      `SELECT counts, lesson_date::text AS lesson_date, school_id FROM lesson_attendees WHERE lesson_id = $1`,
      [lesson.id],
    );
    expect(rows).toEqual([
      { counts: true, lesson_date: '2024-03-04', school_id: a.school.id },
      { counts: true, lesson_date: '2024-03-04', school_id: a.school.id },
    ]);
  });

  it('registers a contract, an invoice on it and an hours declaration', async () => {
    const contract = await newContract(t, a.schoolUser, { learnerBsn: validBsn(3) });
    expect(contract).toMatchObject({
      bsnMasked: `*****${validBsn(3).slice(-4)}`,
      hours: 600,
      priceCents: 900_000,
      funding: 'DUO_LOAN',
    });
    expect(contract).not.toHaveProperty('bsn');
    const invoice = await newInvoice(t, a.schoolUser, { contractReference: contract.reference });
    expect(invoice).toMatchObject({
      contractId: contract.id,
      learnerId: contract.learnerId,
      amountCents: 150_000,
    });
    const declaration = await newDeclaration(t, a.schoolUser, { learnerBsn: validBsn(3) });
    expect(declaration).toMatchObject({ status: 'RECEIVED', learnerId: contract.learnerId });
  });
});

describe('school submissions: OpenAPI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('describes every submission path, and the lesson import as a text/csv body answered with 202', async () => {
    const document = (await t.http.get(`${API}/openapi.json`).expect(200)).body as {
      paths: Record<string, Record<string, { requestBody?: { content: object }; responses: object }>>;
    };
    for (const collection of [
      'teachers',
      'groups',
      'lessons',
      'contracts',
      'invoices',
      'hours-declarations',
    ]) {
      expect(Object.keys(document.paths[`${API}/${collection}`])).toEqual(
        expect.arrayContaining(['get', 'post']),
      );
      expect(Object.keys(document.paths[`${API}/${collection}/{id}`])).toContain('get');
    }
    const upload = document.paths[`${API}/lessons/imports`].post;
    expect(Object.keys(upload.requestBody?.content ?? {})).toEqual(['text/csv']);
    expect(Object.keys(upload.responses)).toContain('202');
    expect(document.paths[`${API}/imports/{id}`].get).toBeDefined();
  });
});
