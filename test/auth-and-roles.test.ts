import { Role } from '../src/common/auth/actor';
import { bearer, TestApp, TestUser } from './support/test-app';

describe('authentication and roles', () => {
  let t: TestApp;
  let users: Record<Role, TestUser>;
  let schoolId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    schoolId = (await t.school({ grantedFrom: '2024-01-01' })).id;
    users = {
      ADMIN: await t.user('ADMIN'),
      AUDITOR: await t.user('AUDITOR'),
      DUO: await t.user('DUO'),
      SCHOOL: await t.user('SCHOOL', schoolId),
    };
  });
  afterAll(() => t.close());

  it('issues a bearer token for the right password and refuses a wrong one', async () => {
    const ok = await t.http
      .post('/api/v1/auth/login')
      .send({ email: users.DUO.email, password: 'user-password-1' })
      .expect(200);
    expect(ok.body).toEqual({ accessToken: expect.any(String), expiresIn: expect.any(Number) });
    const bad = await t.http
      .post('/api/v1/auth/login')
      .send({ email: users.DUO.email, password: 'wrong-password' })
      .expect(401);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('limits failed logins per account and address', async () => {
    const email = users.AUDITOR.email;
    for (let i = 0; i < 5; i++)
      await t.http.post('/api/v1/auth/login').send({ email, password: 'nope-nope' }).expect(401);
    const limited = await t.http
      .post('/api/v1/auth/login')
      .send({ email, password: 'user-password-1' })
      .expect(429);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });

  it('answers 401 without a token, with a malformed token and with a token signed by another key', async () => {
    await t.http.get('/api/v1/schools').expect(401);
    await t.http.get('/api/v1/schools').set('Authorization', 'Bearer not-a-jwt').expect(401);
    const [header, payload] = users.ADMIN.token.split('.');
    await t.http
      .get('/api/v1/schools')
      .set('Authorization', `Bearer ${header}.${payload}.forged-signature`)
      .expect(401);
    await t.http.get('/api/v1/schools').set('Authorization', users.ADMIN.token).expect(401);
  });

  it('keeps health, the OpenAPI document and the docs open', async () => {
    await t.http.get('/api/v1/health').expect(200);
    const openapi = await t.http.get('/api/v1/openapi.json').expect(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/users',
        '/api/v1/schools',
        '/api/v1/schools/{id}/keurmerk-events',
        '/api/v1/health',
      ]),
    );
    const docs = await t.http.get('/api/v1/docs/').expect(200);
    expect(docs.text).toContain('swagger');
  });

  it('sets the API-Version header on every response, errors included', async () => {
    for (const response of [
      await t.http.get('/api/v1/health'),
      await t.http.get('/api/v1/schools'),
      await t.http.get('/api/v1/nothing-here'),
    ]) {
      expect(response.headers['api-version']).toMatch(/^1\.\d+\.\d+$/);
    }
  });

  type Call = {
    name: string;
    method: 'get' | 'post';
    path: () => string;
    body?: () => object;
    allowed: Role[];
  };
  const everyone: Role[] = ['ADMIN', 'AUDITOR', 'DUO', 'SCHOOL'];
  const matrix: Call[] = [
    {
      name: 'POST /users',
      method: 'post',
      path: () => '/api/v1/users',
      body: () => ({ email: 'x@y.example', password: 'short' }),
      allowed: ['ADMIN'],
    },
    {
      name: 'POST /schools',
      method: 'post',
      path: () => '/api/v1/schools',
      body: () => ({ name: '' }),
      allowed: ['AUDITOR', 'ADMIN'],
    },
    { name: 'GET /schools', method: 'get', path: () => '/api/v1/schools', allowed: everyone },
    {
      name: 'GET /schools/{id}',
      method: 'get',
      path: () => `/api/v1/schools/${schoolId}`,
      allowed: everyone,
    },
    {
      name: 'POST /schools/{id}/keurmerk-events',
      method: 'post',
      path: () => `/api/v1/schools/${schoolId}/keurmerk-events`,
      body: () => ({}),
      allowed: ['AUDITOR', 'ADMIN'],
    },
    {
      name: 'GET /schools/{id}/keurmerk-events',
      method: 'get',
      path: () => `/api/v1/schools/${schoolId}/keurmerk-events`,
      allowed: everyone,
    },
    {
      name: 'POST /schools/{id}/measures',
      method: 'post',
      path: () => `/api/v1/schools/${schoolId}/measures`,
      body: () => ({}),
      allowed: ['AUDITOR', 'ADMIN'],
    },
    {
      name: 'GET /schools/{id}/measures',
      method: 'get',
      path: () => `/api/v1/schools/${schoolId}/measures`,
      allowed: everyone,
    },
    {
      name: 'GET /audit-events',
      method: 'get',
      path: () => '/api/v1/audit-events',
      allowed: ['ADMIN', 'AUDITOR', 'DUO'],
    },
    {
      name: 'GET /learners',
      method: 'get',
      path: () => '/api/v1/learners',
      allowed: ['ADMIN', 'AUDITOR', 'DUO'],
    },
  ];

  it.each(matrix.map((call) => [call.name, call] as const))(
    '%s: 401 without a token, 403 for roles that may not, a non-auth answer for roles that may',
    async (_name, call) => {
      const send = (role?: Role) => {
        const request = t.http[call.method](call.path());
        if (role) request.set(...bearer(users[role]));
        return call.body ? request.send(call.body()) : request;
      };
      expect((await send()).status).toBe(401);
      for (const role of everyone) {
        const { status } = await send(role);
        if (call.allowed.includes(role)) expect([200, 201, 400, 422]).toContain(status);
        else expect(status).toBe(403);
      }
    },
  );

  it('creates users of each role; a SCHOOL user needs an existing school, others take none', async () => {
    const admin = users.ADMIN;
    const missing = await t.http
      .post('/api/v1/users')
      .set(...bearer(admin))
      .send({ email: 's1@test.example', password: 'user-password-1', role: 'SCHOOL' })
      .expect(400);
    expect(missing.body.invalidParams).toEqual([{ name: 'schoolId', reason: expect.any(String) }]);
    const extra = await t.http
      .post('/api/v1/users')
      .set(...bearer(admin))
      .send({ email: 's2@test.example', password: 'user-password-1', role: 'DUO', schoolId })
      .expect(400);
    expect(extra.body.invalidParams[0].name).toBe('schoolId');
    const unknown = await t.http
      .post('/api/v1/users')
      .set(...bearer(admin))
      .send({
        email: 's3@test.example',
        password: 'user-password-1',
        role: 'SCHOOL',
        schoolId: '00000000-0000-4000-8000-000000000000',
      })
      .expect(422);
    expect(unknown.body.invalidParams[0].name).toBe('schoolId');
    const created = await t.http
      .post('/api/v1/users')
      .set(...bearer(admin))
      .send({ email: 'S4@Test.example', password: 'user-password-1', role: 'SCHOOL', schoolId })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      email: 's4@test.example',
      role: 'SCHOOL',
      schoolId,
    });
    expect(created.body.passwordHash).toBeUndefined();
    const duplicate = await t.http
      .post('/api/v1/users')
      .set(...bearer(admin))
      .send({ email: 's4@test.example', password: 'user-password-1', role: 'DUO' })
      .expect(409);
    expect(duplicate.body.invalidParams[0].name).toBe('email');
    const [{ count }] = await t.sql<{ count: string }>(
      `SELECT count(*) FROM users WHERE email LIKE 's_@test.example'`,
    );
    expect(Number(count)).toBe(1);
  });
});
