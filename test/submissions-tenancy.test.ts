import { Role } from '../src/common/auth/actor';
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
import { bearer, TestApp, TestUser } from './support/test-app';

const API = '/api/v1';
const COLLECTIONS = ['teachers', 'groups', 'lessons', 'contracts', 'invoices', 'hours-declarations'] as const;
type Collection = (typeof COLLECTIONS)[number];

describe('school submissions: tenancy, roles and BSN masking', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let staff: Record<Exclude<Role, 'SCHOOL'>, TestUser>;
  /** One record of each collection per school. */
  const ids: Record<'a' | 'b', Partial<Record<Collection, string>>> = { a: {}, b: {} };
  const bsnOfB = validBsn(500);

  async function submitAll(
    school: SchoolWithUser,
    bsn: string,
    into: Partial<Record<Collection, string>>,
  ): Promise<void> {
    const user = school.schoolUser;
    const teacher = await newTeacher(t, user);
    const group = await newGroup(t, user);
    const lesson = await newLesson(t, user, {
      groupCode: group.code,
      teacherReference: teacher.reference,
      startsAt: '2024-02-05T09:00:00+01:00',
      endsAt: '2024-02-05T12:00:00+01:00',
      attendeeBsns: [bsn],
    });
    const contract = await newContract(t, user, { learnerBsn: bsn });
    const invoice = await newInvoice(t, user, { contractReference: contract.reference });
    const declaration = await newDeclaration(t, user, { learnerBsn: bsn });
    Object.assign(into, {
      teachers: teacher.id,
      groups: group.id,
      lessons: lesson.id,
      contracts: contract.id,
      invoices: invoice.id,
      'hours-declarations': declaration.id,
    });
  }

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2024-01-01' });
    b = await newSchoolWithUser(t, { grantedFrom: '2024-01-01' });
    staff = { ADMIN: await t.user('ADMIN'), AUDITOR: await t.user('AUDITOR'), DUO: await t.user('DUO') };
    await submitAll(a, validBsn(400), ids.a);
    await submitAll(b, bsnOfB, ids.b);
  });
  afterAll(() => t.close());

  it.each(COLLECTIONS)(
    'answers 404 to school A for a %s record of school B, as for an id that does not exist',
    async (collection) => {
      const other = await t.http
        .get(`${API}/${collection}/${ids.b[collection]}`)
        .set(...bearer(a.schoolUser))
        .expect(404);
      const missing = await t.http
        .get(`${API}/${collection}/00000000-0000-4000-8000-000000000000`)
        .set(...bearer(a.schoolUser))
        .expect(404);
      expect(other.body).toEqual(missing.body);
      await t.http
        .get(`${API}/${collection}/${ids.a[collection]}`)
        .set(...bearer(a.schoolUser))
        .expect(200);
    },
  );

  it.each(COLLECTIONS)(
    'lists only the school’s own %s, even when it asks for another schoolId',
    async (collection) => {
      for (const query of ['', `?schoolId=${b.school.id}`]) {
        const list = await t.http
          .get(`${API}/${collection}${query}`)
          .set(...bearer(a.schoolUser))
          .expect(200);
        expect(list.body).toMatchObject({ page: 1, pageSize: 50, total: 1 });
        expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([ids.a[collection]]);
      }
    },
  );

  it.each(COLLECTIONS)(
    'lets AUDITOR, DUO and ADMIN read all %s, filterable by schoolId',
    async (collection) => {
      for (const user of Object.values(staff)) {
        const all = await t.http
          .get(`${API}/${collection}`)
          .set(...bearer(user))
          .expect(200);
        expect(all.body.total).toBe(2);
        const onlyB = await t.http
          .get(`${API}/${collection}?schoolId=${b.school.id}`)
          .set(...bearer(user))
          .expect(200);
        expect(onlyB.body.items.map((item: { id: string }) => item.id)).toEqual([ids.b[collection]]);
        await t.http
          .get(`${API}/${collection}/${ids.a[collection]}`)
          .set(...bearer(user))
          .expect(200);
      }
    },
  );

  it.each(COLLECTIONS)(
    'refuses POST /%s to AUDITOR, DUO and ADMIN (403) and to a caller without a token (401)',
    async (collection) => {
      for (const user of Object.values(staff)) {
        const response = await t.http
          .post(`${API}/${collection}`)
          .set(...bearer(user))
          .send({});
        expect(response.status).toBe(403);
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      await t.http.post(`${API}/${collection}`).send({}).expect(401);
      await t.http.get(`${API}/${collection}`).expect(401);
    },
  );

  it('paginates a collection', async () => {
    const page = await t.http
      .get(`${API}/teachers?page=2&pageSize=1`)
      .set(...bearer(staff.AUDITOR))
      .expect(200);
    expect(page.body).toMatchObject({ page: 2, pageSize: 1, total: 2, items: [expect.any(Object)] });
    await t.http
      .get(`${API}/teachers?pageSize=501`)
      .set(...bearer(staff.AUDITOR))
      .expect(400);
  });

  describe('BSN masking', () => {
    const last4 = bsnOfB.slice(-4);
    const learnerRecords = ['contracts', 'invoices', 'hours-declarations'] as const;

    it.each(learnerRecords)(
      'shows DUO the full BSN on %s, everyone else only bsnMasked',
      async (collection) => {
        const id = ids.b[collection];
        const duo = await t.http
          .get(`${API}/${collection}/${id}`)
          .set(...bearer(staff.DUO))
          .expect(200);
        expect(duo.body).toMatchObject({
          learnerId: expect.any(String),
          bsnMasked: `*****${last4}`,
          bsn: bsnOfB,
        });
        for (const user of [staff.AUDITOR, staff.ADMIN, b.schoolUser]) {
          const seen = await t.http
            .get(`${API}/${collection}/${id}`)
            .set(...bearer(user))
            .expect(200);
          expect(seen.body).toMatchObject({ learnerId: duo.body.learnerId, bsnMasked: `*****${last4}` });
          expect(JSON.stringify(seen.body)).not.toContain(bsnOfB);
        }
      },
    );

    it('shows lesson attendees masked, and in full to DUO only', async () => {
      const id = ids.b.lessons;
      const duo = await t.http
        .get(`${API}/lessons/${id}`)
        .set(...bearer(staff.DUO))
        .expect(200);
      expect(duo.body.attendees).toEqual([
        { learnerId: expect.any(String), bsnMasked: `*****${last4}`, bsn: bsnOfB },
      ]);
      for (const user of [staff.AUDITOR, staff.ADMIN, b.schoolUser]) {
        const seen = await t.http
          .get(`${API}/lessons?schoolId=${b.school.id}`)
          .set(...bearer(user))
          .expect(200);
        expect(seen.body.items[0].attendees).toEqual([
          { learnerId: duo.body.attendees[0].learnerId, bsnMasked: `*****${last4}` },
        ]);
      }
    });

    it('names the same learner on every record with one learnerId', async () => {
      const [lesson, contract, declaration] = await Promise.all(
        (['lessons', 'contracts', 'hours-declarations'] as const).map((c) =>
          t.http.get(`${API}/${c}/${ids.b[c]}`).set(...bearer(staff.AUDITOR)),
        ),
      );
      expect(contract.body.learnerId).toBe(lesson.body.attendees[0].learnerId);
      expect(declaration.body.learnerId).toBe(contract.body.learnerId);
    });

    it('stores no BSN in clear: only its hash, ciphertext and last four digits', async () => {
      const rows = await t.sql<{ row: string }>(`SELECT row_to_json(l)::text AS row FROM learners l`);
      expect(rows.length).toBeGreaterThan(0);
      for (const { row } of rows) expect(row).not.toContain(bsnOfB);
    });
  });
});
