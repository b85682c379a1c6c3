import { TestApp } from './support/test-app';

describe('foundation smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('answers health and login', async () => {
    await t.http.get('/api/v1/health').expect(200).expect('API-Version', '1.0.0');
    const token = await t.adminToken();
    expect(token).toBeTruthy();
  });
});
