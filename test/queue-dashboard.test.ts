import { bearer, TestApp } from './support/test-app';
import { TEST_ADMIN } from './support/test-env';

const DASHBOARD = '/api/v1/admin/queues';
const basic = (email: string, password: string): [string, string] => [
  'Authorization',
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`,
];

describe('Queue dashboard (bull-board)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('asks for credentials without any (401 problem+json with a Basic challenge)', async () => {
    const response = await t.http.get(DASHBOARD).expect(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('refuses a wrong password and a bad token with 401', async () => {
    await t.http
      .get(DASHBOARD)
      .set(...basic(TEST_ADMIN.email, 'not-the-password'))
      .expect(401);
    await t.http
      .get(DASHBOARD)
      .set(...bearer('not-a-token'))
      .expect(401);
  });

  it('forbids every role but ADMIN (403)', async () => {
    const school = await t.school();
    for (const user of [await t.user('AUDITOR'), await t.user('DUO'), await t.user('SCHOOL', school.id)]) {
      const response = await t.http
        .get(DASHBOARD)
        .set(...bearer(user))
        .expect(403);
      expect(response.body.detail).toMatch(/ADMIN/);
    }
    const auditor = await t.user('AUDITOR');
    await t.http
      .get(DASHBOARD)
      .set(...basic(auditor.email, 'user-password-1'))
      .expect(403);
  });

  it('shows the dashboard to an ADMIN with a bearer token, listing every queue', async () => {
    const admin = await t.adminToken();
    const page = await t.http
      .get(DASHBOARD)
      .set(...bearer(admin))
      .expect(200);
    expect(page.text).toMatch(/<html/i);
    const api = await t.http
      .get(`${DASHBOARD}/api/queues`)
      .set(...bearer(admin))
      .expect(200);
    const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(['checks', 'imports', 'maintenance']);
  });

  it('lets an ADMIN in with e-mail and password (browser login) and keeps the session in a cookie', async () => {
    const login = await t.http
      .get(DASHBOARD)
      .set(...basic(TEST_ADMIN.email, TEST_ADMIN.password))
      .expect(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('queue_dashboard_token='),
    );
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/api\/v1\/admin\/queues/);
    await t.http
      .get(`${DASHBOARD}/api/queues`)
      .set('Cookie', (cookie as string).split(';')[0])
      .expect(200);
  });
});
