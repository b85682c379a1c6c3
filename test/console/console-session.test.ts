import request from 'supertest';
import { TestApp, TestUser } from '../support/test-app';

/** The console's sign-in, session and CSRF protection, over HTTP (the browser flows are in *.browser.test.ts). */
describe('console session', () => {
  let t: TestApp;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    auditor = await t.user('AUDITOR');
  });
  afterAll(() => t.close());

  const loginToken = async (agent: request.Agent): Promise<string> => {
    const page = await agent.get('/console/login').expect(200);
    return /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  };
  const sessions = async (): Promise<number> =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM console_sessions`))[0].n);

  it('sends a visitor without a session to the sign-in page', async () => {
    const response = await t.http.get('/console/flags').expect(303);
    expect(response.headers.location).toBe('/console/login');
    const login = await t.http.get('/console/login').expect(200);
    expect(login.text).toContain('<label class="utrecht-form-label" for="email">E-mailadres</label>');
    expect(login.text).toContain('Wachtwoord');
    expect(login.text).toContain('Inloggen');
    expect(login.headers['set-cookie']).toBeUndefined();
  });

  it('creates no session for a wrong password and shows an error', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const before = await sessions();
    const response = await agent
      .post('/console/login')
      .type('form')
      .send({ _csrf: await loginToken(agent), email: auditor.email, password: 'wrong-password' })
      .expect(401);
    expect(response.text).toContain('Onjuist e-mailadres of wachtwoord.');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await sessions()).toBe(before);
  });

  it('refuses a login form without its token', async () => {
    await t.http
      .post('/console/login')
      .type('form')
      .send({ email: auditor.email, password: auditor.password })
      .expect(403);
  });

  it('signs in with a session cookie that is HttpOnly and SameSite, and lands reviewers on the Werkvoorraad', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const response = await agent
      .post('/console/login')
      .type('form')
      .send({ _csrf: await loginToken(agent), email: auditor.email, password: auditor.password })
      .expect(303);
    expect(response.headers.location).toBe('/console/flags');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
  });

  it('ignores the session cookie on the API, and a bearer token on the console', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await agent
      .post('/console/login')
      .type('form')
      .send({ _csrf: await loginToken(agent), email: auditor.email, password: auditor.password })
      .expect(303);
    await agent.get('/api/v1/flags').expect(401);
    await t.http.get('/console/flags').set('Authorization', `Bearer ${auditor.token}`).expect(303);
  });

  it('sends a strict Content-Security-Policy', async () => {
    const response = await t.http.get('/console/login').expect(200);
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('refuses a state change without the CSRF token with 403, and the sign-out needs it too', async () => {
    const agent = request.agent(t.app.getHttpServer());
    await agent
      .post('/console/login')
      .type('form')
      .send({ _csrf: await loginToken(agent), email: auditor.email, password: auditor.password })
      .expect(303);
    await agent.post('/console/logout').type('form').send({}).expect(403);
    await agent.get('/console/flags').expect(200);
  });
});
