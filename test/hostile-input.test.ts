import { newContract, newSchoolWithUser, SchoolWithUser, validBsn } from './support/factories';
import { bearer, TestApp } from './support/test-app';

const API = '/api/v1';

/** What a careless client or an attacker sends: 400 problem+json naming the field, never a 500, nothing stored. */
describe('Hostile input', () => {
  let t: TestApp;
  let a: SchoolWithUser;
  let contractReference: string;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await newSchoolWithUser(t);
    contractReference = (await newContract(t, a.schoolUser, { learnerBsn: validBsn(6001) })).reference;
  });
  afterAll(() => t.close());

  const post = (path: string, body: string | object) =>
    t.http
      .post(`${API}${path}`)
      .set(...bearer(a.schoolUser))
      .set('Content-Type', 'application/json')
      .send(body);
  const expectBadField = (
    response: { status: number; body: { invalidParams?: { name: string }[] } },
    name: string,
  ) => {
    expect(response.status).toBe(400);
    expect(response.body.invalidParams?.map((p) => p.name)).toContain(name);
  };
  const teacher = {
    name: 'Teacher',
    reference: 'T-hostile',
    nt2Certified: true,
    certifiedSince: '2020-01-01',
  };
  const count = async (table: string) =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  describe('NUL characters', () => {
    it('refuses a NUL in a text field with 400 naming it', async () => {
      const response = await post('/teachers', { ...teacher, name: 'Jan\u0000Jansen' });
      expectBadField(response, 'name');
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await count('teachers')).toBe(0);
    });

    it('refuses a NUL in a query parameter with 400 naming it', async () => {
      const response = await t.http.get(`${API}/contracts?reference=%00`).set(...bearer(a.schoolUser));
      expectBadField(response, 'reference');
    });
  });

  describe('numbers in exponent form', () => {
    it.each(['1e-7', '5e-324'])(
      'refuses hours %s on contracts, invoices and declarations with 400',
      async (hours) => {
        const contract = `{"learnerBsn":"${validBsn(6002)}","reference":"C-exp-${hours}","startDate":"2024-01-01","endDate":"2024-12-31","hours":${hours},"priceCents":100,"funding":"SELF"}`;
        expectBadField(await post('/contracts', contract), 'hours');
        const invoice = `{"contractReference":"${contractReference}","invoiceNumber":"F-exp","invoiceDate":"2024-04-01","periodStart":"2024-01-01","periodEnd":"2024-03-31","hours":${hours},"amountCents":100}`;
        expectBadField(await post('/invoices', invoice), 'hours');
        const declaration = `{"learnerBsn":"${validBsn(6003)}","purpose":"AGI","periodStart":"2024-01-01","periodEnd":"2024-06-30","hours":${hours},"issuedOn":"2024-07-01"}`;
        expectBadField(await post('/hours-declarations', declaration), 'hours');
      },
    );

    it('still takes a whole number written with an exponent (1e2 is 100)', async () => {
      const declaration = `{"learnerBsn":"${validBsn(6004)}","purpose":"AGI","periodStart":"2024-01-01","periodEnd":"2024-06-30","hours":1e2,"issuedOn":"2024-07-01"}`;
      const response = await post('/hours-declarations', declaration).expect(201);
      expect(response.body.hours).toBe(100);
    });
  });

  describe('deeply nested JSON', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

    it('refuses it with 400 on the unauthenticated login', async () => {
      const response = await t.http
        .post(`${API}/auth/login`)
        .set('Content-Type', 'application/json')
        .send(`{"email":"a@b.example","password":${deep}}`);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('refuses it with 400 on a submission', async () => {
      const response = await post(
        '/teachers',
        `{"name":"x","reference":"T-deep","nt2Certified":true,"extra":${deep}}`,
      );
      expect(response.status).toBe(400);
    });

    it('still reads brackets inside strings as text', async () => {
      await post('/teachers', { ...teacher, reference: 'T-brackets', name: `${'['.repeat(150)} {"` }).expect(
        201,
      );
    });
  });

  describe('__proto__ and constructor as fields', () => {
    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses %s as an unknown field with 400 naming it',
      async (field) => {
        const body = `{"name":"T","reference":"T-${field}","nt2Certified":true,"${field}":{"x":1}}`;
        expectBadField(await post('/teachers', body), field);
        expect(await t.sql(`SELECT id FROM teachers WHERE reference = $1`, [`T-${field}`])).toEqual([]);
      },
    );

    it('refuses __proto__ in a nested object and in the query', async () => {
      const lesson = `{"groupCode":"G","teacherReference":"T","startsAt":"2024-03-04T09:00:00+01:00","endsAt":"2024-03-04T12:00:00+01:00","attendeeBsns":[],"x":{"__proto__":{"a":1}}}`;
      const nested = await post('/lessons', lesson);
      expect(nested.status).toBe(400);
      const query = await t.http.get(`${API}/contracts?__proto__=1`).set(...bearer(a.schoolUser));
      expectBadField(query, '__proto__');
    });
  });

  describe('smaller conventions', () => {
    it('refuses a CSV body where no CSV is read (POST /check-runs) with 415', async () => {
      const admin = await t.adminToken();
      const response = await t.http
        .post(`${API}/check-runs`)
        .set(...bearer(admin))
        .set('Content-Type', 'text/csv')
        .send('schoolId\n');
      expect(response.status).toBe(415);
      expect(await count('check_runs')).toBe(0);
    });

    it('answers 404 for a trailing slash', async () => {
      const response = await t.http.get(`${API}/teachers/`).set(...bearer(a.schoolUser));
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      await t.http
        .get(`${API}/teachers`)
        .set(...bearer(a.schoolUser))
        .expect(200);
    });

    it.each(['0x10', '1e1', ' 2', '', '1.0'])('refuses page=%p with 400 naming page', async (page) => {
      const response = await t.http
        .get(`${API}/teachers?page=${encodeURIComponent(page)}`)
        .set(...bearer(a.schoolUser));
      expectBadField(response, 'page');
    });
  });

  describe('security headers', () => {
    it('sends no X-Powered-By, and CSP, nosniff, frame-ancestors and Referrer-Policy on the API', async () => {
      const response = await t.http.get(`${API}/health`);
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it('sends them on the docs too, with a policy that lets the docs page load its own scripts', async () => {
      const response = await t.http.get(`${API}/docs`).redirects(1);
      expect(response.status).toBe(200);
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(response.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it('answers a login with Cache-Control: no-store', async () => {
      const ok = await t.http
        .post(`${API}/auth/login`)
        .send({ email: 'admin@test.example', password: 'admin-password-1' });
      expect(ok.status).toBe(200);
      expect(ok.headers['cache-control']).toBe('no-store');
    });
  });
});
