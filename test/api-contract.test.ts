import { TestApp } from './support/test-app';

/** Every endpoint of API.md v1 with the success status it documents. */
const contract: [method: string, path: string, status: number][] = [
  ['post', '/auth/login', 200],
  ['post', '/users', 201],
  ['post', '/schools', 201],
  ['get', '/schools', 200],
  ['get', '/schools/{id}', 200],
  ['post', '/schools/{id}/keurmerk-events', 201],
  ['get', '/schools/{id}/keurmerk-events', 200],
  ['post', '/schools/{id}/measures', 201],
  ...['teachers', 'groups', 'lessons', 'contracts', 'invoices', 'hours-declarations'].flatMap(
    (collection): [string, string, number][] => [
      ['post', `/${collection}`, 201],
      ['get', `/${collection}`, 200],
      ['get', `/${collection}/{id}`, 200],
    ],
  ),
  ['post', '/lessons/imports', 202],
  ['get', '/imports/{id}', 200],
  ['post', '/duo/imports', 202],
  ['get', '/duo/payments', 200],
  ['get', '/learners', 200],
  ['get', '/learners/{id}', 200],
  ['post', '/check-runs', 202],
  ['get', '/check-runs/{id}', 200],
  ['get', '/flags', 200],
  ['get', '/flags/{id}', 200],
  ['post', '/flags/{id}/assignment', 200],
  ['post', '/flags/{id}/decision', 200],
  ['post', '/flags/{id}/decision', 202],
  ['post', '/flags/{id}/decision/approval', 200],
  ['post', '/flags/{id}/hearing', 201],
  ['post', '/flags/{id}/hearing/response', 201],
  ['get', '/flags/{id}/timeline', 200],
  ['get', '/rules', 200],
  ['patch', '/rules/{code}', 200],
  ['post', '/exemptions', 201],
  ['get', '/exemptions/{id}', 200],
  ['post', '/exemptions/{id}/actions', 200],
  ['get', '/confirmation-requests', 200],
  ['post', '/confirmation-requests/{id}/response', 200],
  ['get', '/audit-events', 200],
  ['get', '/reports/declarations', 200],
  ['get', '/reports/schools/{id}/compliance', 200],
  ['get', '/reports/elip', 200],
  ['post', '/signals', 201],
  ['get', '/signals', 200],
  ['get', '/signals/{id}', 200],
  ['post', '/signals/{id}/actions', 200],
  ['post', '/keurmerk-applications', 201],
  ['get', '/keurmerk-applications', 200],
  ['post', '/keurmerk-applications/{id}/decision', 200],
  ['post', '/schools/{id}/inspections', 201],
  ['get', '/schools/{id}/inspections', 200],
  ['get', '/reports/supervision', 200],
  ['get', '/health', 200],
];

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

  beforeAll(async () => {
    t = await TestApp.start();
    document = (await t.http.get('/api/v1/openapi.json').expect(200)).body;
  });
  afterAll(() => t.close());

  it.each(contract)('describes %s %s with its success status %i', (method, path, status) => {
    const operation = document.paths[`/api/v1${path}`]?.[method];
    expect(operation).toBeDefined();
    expect(Object.keys(operation.responses)).toContain(String(status));
  });

  it('declares bearer authentication for the protected routes', async () => {
    const schools = document.paths['/api/v1/schools'].get as unknown as { security?: unknown[] };
    expect(schools.security).toEqual([{ bearer: [] }]);
  });
});
