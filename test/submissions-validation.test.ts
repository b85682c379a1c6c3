import type { Response } from 'supertest';
import {
  newContract,
  newGroup,
  newSchoolWithUser,
  newTeacher,
  SchoolWithUser,
  validBsn,
} from './support/factories';
import { bearer, TestApp } from './support/test-app';

const API = '/api/v1';

/** A problem+json answer with this status whose invalidParams name the field. */
function expectProblem(response: Response, status: number, field: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect((response.body.invalidParams as { name: string }[]).map((p) => p.name)).toContain(field);
}

describe('school submissions: validation', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let groupCode: string;
  let teacherReference: string;
  let contractReference: string;

  const tables = [
    'teachers',
    'groups',
    'lessons',
    'lesson_attendees',
    'learners',
    'contracts',
    'invoices',
    'hours_declarations',
    'audit_events',
  ];
  const snapshot = async () =>
    (
      await t.sql(
        `SELECT ${tables.map((name) => `(SELECT count(*)::int FROM ${name}) AS ${name}`).join(', ')}`,
      )
    )[0];

  /** Posts, expects the problem, and that nothing at all was stored. */
  async function refused(path: string, body: object, status: number, field: string): Promise<Response> {
    const before = await snapshot();
    const response = await t.http
      .post(`${API}${path}`)
      .set(...bearer(a.schoolUser))
      .send(body);
    expectProblem(response, status, field);
    expect(await snapshot()).toEqual(before);
    return response;
  }

  const lesson = (overrides: object = {}) => ({
    groupCode,
    teacherReference,
    startsAt: '2024-03-04T09:00:00+01:00',
    endsAt: '2024-03-04T11:00:00+01:00',
    attendeeBsns: [validBsn(1), validBsn(2), validBsn(3)],
    ...overrides,
  });
  const invoice = (overrides: object = {}) => ({
    contractReference,
    invoiceNumber: `F-${Math.random()}`,
    invoiceDate: '2024-07-01',
    periodStart: '2024-04-01',
    periodEnd: '2024-06-30',
    hours: 50,
    amountCents: 75_000,
    ...overrides,
  });
  const contract = (overrides: object = {}) => ({
    learnerBsn: validBsn(9),
    reference: `C-${Math.random()}`,
    startDate: '2024-01-01',
    endDate: '2024-12-31',
    hours: 600,
    priceCents: 900_000,
    funding: 'DUO_LOAN',
    ...overrides,
  });
  const declaration = (overrides: object = {}) => ({
    learnerBsn: validBsn(9),
    purpose: 'AGI',
    periodStart: '2024-01-01',
    periodEnd: '2024-06-30',
    hours: 120,
    issuedOn: '2024-07-01',
    ...overrides,
  });

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t, { grantedFrom: '2024-01-01' });
    groupCode = (await newGroup(t, a.schoolUser)).code;
    teacherReference = (await newTeacher(t, a.schoolUser)).reference;
    contractReference = (
      await newContract(t, a.schoolUser, {
        learnerBsn: validBsn(5),
        startDate: '2024-01-01',
        endDate: '2024-12-31',
      })
    ).reference;
  });
  afterAll(() => t.close());

  describe('teachers', () => {
    it('refuses a teacher without a name, with an unknown field or an unknown qualification', async () => {
      await refused('/teachers', { reference: 'X1', nt2Certified: true }, 400, 'name');
      await refused(
        '/teachers',
        { name: 'A', reference: 'X1', nt2Certified: true, salary: 1 },
        400,
        'salary',
      );
      await refused(
        '/teachers',
        { name: 'A', reference: 'X1', nt2Certified: true, relatedQualification: 'CHEMISTRY' },
        400,
        'relatedQualification',
      );
    });

    it('refuses a reference with surrounding blanks and experience over 60 years', async () => {
      await refused('/teachers', { name: 'A', reference: ' X1', nt2Certified: true }, 400, 'reference');
      await refused(
        '/teachers',
        { name: 'A', reference: 'X1', nt2Certified: true, nt2ExperienceYears: 61 },
        400,
        'nt2ExperienceYears',
      );
    });

    it('refuses a second teacher with the same reference at the school (409)', async () => {
      await refused(
        '/teachers',
        { name: 'Other', reference: teacherReference, nt2Certified: false },
        409,
        'reference',
      );
    });
  });

  describe('groups', () => {
    it('refuses an unknown route and a maxSize below 1', async () => {
      await refused('/groups', { code: 'N1', route: 'C1' }, 400, 'route');
      await refused('/groups', { code: 'N1', route: 'B1', maxSize: 0 }, 400, 'maxSize');
    });

    it('refuses a second group with the same code at the school (409)', async () => {
      await refused('/groups', { code: groupCode, route: 'Z' }, 409, 'code');
    });
  });

  describe('lessons', () => {
    it('refuses a group or teacher the school does not have (422)', async () => {
      await refused('/lessons', lesson({ groupCode: 'NOPE' }), 422, 'groupCode');
      await refused('/lessons', lesson({ teacherReference: 'NOPE' }), 422, 'teacherReference');
    });

    it('refuses a lesson that ends before it starts or lasts over 8 hours (422)', async () => {
      await refused('/lessons', lesson({ endsAt: '2024-03-04T08:00:00+01:00' }), 422, 'endsAt');
      await refused('/lessons', lesson({ endsAt: '2024-03-04T09:00:00+01:00' }), 422, 'endsAt');
      await refused('/lessons', lesson({ endsAt: '2024-03-04T17:00:01+01:00' }), 422, 'endsAt');
    });

    it('accepts a lesson of exactly 8 hours', async () => {
      const response = await t.http
        .post(`${API}/lessons`)
        .set(...bearer(a.schoolUser))
        .send(lesson({ startsAt: '2024-03-11T09:00:00+01:00', endsAt: '2024-03-11T17:00:00+01:00' }));
      expect(response.status).toBe(201);
      expect(response.body.hours).toBe(8);
    });

    it('names the attendee whose BSN fails the 11-proof, without echoing it', async () => {
      const response = await refused(
        '/lessons',
        lesson({ attendeeBsns: [validBsn(1), validBsn(2), '123456780'] }),
        400,
        'attendeeBsns.2',
      );
      expect(JSON.stringify(response.body)).not.toContain('123456780');
    });

    it('refuses the same attendee twice in one lesson', async () => {
      await refused('/lessons', lesson({ attendeeBsns: [validBsn(1), validBsn(1)] }), 400, 'attendeeBsns');
    });

    it('refuses an instant without an offset, an unknown mode and a lesson without attendees', async () => {
      await refused('/lessons', lesson({ startsAt: '2024-03-04T09:00:00' }), 400, 'startsAt');
      await refused('/lessons', lesson({ mode: 'BY_PIGEON' }), 400, 'mode');
      await refused('/lessons', lesson({ attendeeBsns: [] }), 400, 'attendeeBsns');
    });

    it('refuses the same lesson twice (409)', async () => {
      const body = lesson({ startsAt: '2024-03-18T09:00:00+01:00', endsAt: '2024-03-18T10:00:00+01:00' });
      await t.http
        .post(`${API}/lessons`)
        .set(...bearer(a.schoolUser))
        .send(body)
        .expect(201);
      await refused('/lessons', body, 409, 'startsAt');
    });
  });

  describe('contracts', () => {
    it('refuses a contract that ends before it starts (422)', async () => {
      await refused(
        '/contracts',
        contract({ startDate: '2024-06-01', endDate: '2024-05-31' }),
        422,
        'endDate',
      );
    });

    it('refuses a BSN that fails the 11-proof without echoing it', async () => {
      const response = await refused('/contracts', contract({ learnerBsn: '123456780' }), 400, 'learnerBsn');
      expect(JSON.stringify(response.body)).not.toContain('123456780');
    });

    it('refuses hours and amounts that are zero, fractional cents or out of bounds', async () => {
      await refused('/contracts', contract({ hours: 0 }), 400, 'hours');
      await refused('/contracts', contract({ hours: 2000.5 }), 400, 'hours');
      await refused('/contracts', contract({ hours: 10.123 }), 400, 'hours');
      await refused('/contracts', contract({ priceCents: 100.5 }), 400, 'priceCents');
      await refused('/contracts', contract({ priceCents: 5_000_001 }), 400, 'priceCents');
      await refused('/contracts', contract({ funding: 'LOTTERY' }), 400, 'funding');
      await refused('/contracts', contract({ startDate: '2024-02-30' }), 400, 'startDate');
    });

    it('refuses a second contract with the same reference at the school (409)', async () => {
      await refused('/contracts', contract({ reference: contractReference }), 409, 'reference');
    });
  });

  describe('invoices', () => {
    it('refuses an invoice dated before its period ends (422)', async () => {
      await refused('/invoices', invoice({ invoiceDate: '2024-06-29' }), 422, 'invoiceDate');
    });

    it('accepts an invoice dated on the last day of its period', async () => {
      await t.http
        .post(`${API}/invoices`)
        .set(...bearer(a.schoolUser))
        .send(invoice({ invoiceDate: '2024-06-30' }))
        .expect(201);
    });

    it('refuses a period outside its contract (422)', async () => {
      await refused('/invoices', invoice({ periodStart: '2023-12-31' }), 422, 'periodStart');
      await refused(
        '/invoices',
        invoice({ periodEnd: '2025-01-01', invoiceDate: '2025-01-02' }),
        422,
        'periodEnd',
      );
    });

    it('refuses a period that ends before it starts (422)', async () => {
      await refused(
        '/invoices',
        invoice({ periodStart: '2024-05-01', periodEnd: '2024-04-30' }),
        422,
        'periodEnd',
      );
    });

    it('refuses a contract the school does not have (422)', async () => {
      await refused('/invoices', invoice({ contractReference: 'NOPE' }), 422, 'contractReference');
    });

    it('refuses a second invoice with the same number at the school (409)', async () => {
      const body = invoice({ invoiceNumber: 'F-2024-001' });
      await t.http
        .post(`${API}/invoices`)
        .set(...bearer(a.schoolUser))
        .send(body)
        .expect(201);
      await refused('/invoices', invoice({ invoiceNumber: 'F-2024-001' }), 409, 'invoiceNumber');
    });

    it('refuses an amount of zero cents and hours over the bound', async () => {
      await refused('/invoices', invoice({ amountCents: 0 }), 400, 'amountCents');
      await refused('/invoices', invoice({ hours: 2001 }), 400, 'hours');
    });
  });

  describe('hours declarations', () => {
    it('refuses a period that ends before it starts (422)', async () => {
      await refused(
        '/hours-declarations',
        declaration({ periodStart: '2024-06-01', periodEnd: '2024-05-01' }),
        422,
        'periodEnd',
      );
    });

    it('refuses an unknown purpose and negative hours', async () => {
      await refused('/hours-declarations', declaration({ purpose: 'KNM' }), 400, 'purpose');
      await refused('/hours-declarations', declaration({ hours: -5 }), 400, 'hours');
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the same record for a replay, and stores it once', async () => {
      const body = contract({ reference: 'IDEM-1' });
      const first = await t.http
        .post(`${API}/contracts`)
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', 'k-1')
        .send(body)
        .expect(201);
      const again = await t.http
        .post(`${API}/contracts`)
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', 'k-1')
        .send(body)
        .expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await t.sql(`SELECT count(*)::int AS n FROM contracts WHERE reference = 'IDEM-1'`)).toEqual([
        { n: 1 },
      ]);
    });

    it('refuses the same key with another body (422)', async () => {
      const key = 'k-2';
      await t.http
        .post(`${API}/hours-declarations`)
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', key)
        .send(declaration())
        .expect(201);
      const before = await snapshot();
      const other = await t.http
        .post(`${API}/hours-declarations`)
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', key)
        .send(declaration({ hours: 121 }));
      expectProblem(other, 422, 'Idempotency-Key');
      expect(await snapshot()).toEqual(before);
    });

    it('replays a lesson with the same id', async () => {
      const body = lesson({ startsAt: '2024-03-25T09:00:00+01:00', endsAt: '2024-03-25T10:00:00+01:00' });
      const first = await t.http
        .post(`${API}/lessons`)
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', 'k-3')
        .send(body)
        .expect(201);
      const again = await t.http
        .post(`${API}/lessons`)
        .set(...bearer(a.schoolUser))
        .set('Idempotency-Key', 'k-3')
        .send(body)
        .expect(201);
      expect(again.body).toEqual(first.body);
    });
  });

  describe('audit and checks', () => {
    it('audits every create and marks the school and learners for checking in the same transaction', async () => {
      const [{ before }] = await t.sql<{ before: string }>(
        `SELECT coalesce(max(id), 0) AS before FROM pending_checks`,
      );
      const created = await t.http
        .post(`${API}/hours-declarations`)
        .set(...bearer(a.schoolUser))
        .send(declaration({ learnerBsn: validBsn(77) }))
        .expect(201);
      const events = await t.sql(
        `SELECT action, actor_id, after FROM audit_events WHERE subject_type = 'HOURS_DECLARATION' AND subject_id = $1`,
        [created.body.id],
      );
      expect(events).toEqual([
        {
          action: 'CREATE',
          actor_id: a.schoolUser.id,
          after: created.body, // the response as the school saw it, BSN masked
        },
      ]);
      expect(JSON.stringify(events)).not.toContain(validBsn(77));
      const marks = await t.sql(
        `SELECT scope_type, scope_id FROM pending_checks WHERE id > $1 ORDER BY scope_type`,
        [before],
      );
      // No worker runs in this file, so the markers stay for us to see: the submission appended exactly these.
      expect(marks).toEqual([
        { scope_type: 'LEARNER', scope_id: created.body.learnerId },
        { scope_type: 'SCHOOL', scope_id: a.school.id },
      ]);
    });
  });
});
