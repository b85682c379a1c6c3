import { DEMO_USERS, loadThroughApi, runChecks, schoolUserEmail } from '../../scripts/generator/api-loader';
import { generateDataset } from '../../scripts/generator/generate-dataset';
import { loadSupervisionLetter } from '../../scripts/lib/supervision-letter';
import { accessibilityViolations, BrowserSession } from '../support/browser';
import { TEST_ADMIN } from '../support/test-env';
import { TestApp } from '../support/test-app';

// The demo's data set through the API, a check run and a real browser: a minute or two on this machine.
jest.setTimeout(300_000);

/**
 * Every console page on the demo's data (the same seed as `npm run demo`), for each role: it renders,
 * axe finds no WCAG 2.x A/AA violation, and the README's screenshots are taken from it (docs/).
 */
describe('console pages on the demo data', () => {
  let t: TestApp;
  let baseUrl: string;
  let schoolKvk: string;
  let browser: BrowserSession;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    baseUrl = await t.listen();
    const dataset = generateDataset({ scale: 'small', seed: 2024 });
    const loaded = await loadThroughApi(dataset, baseUrl, TEST_ADMIN);
    await runChecks(loaded.auditor);
    // As the demo does: the supervision records of the minister's letter period.
    await loadSupervisionLetter(loaded.auditor);
    schoolKvk = dataset.schools[1].kvkNumber;
    // The demo registers its exemption requests as it tells them; here, as DUO registers them.
    for (const spec of dataset.exemptions)
      await loaded.duo.post('/exemptions', {
        learnerBsn: spec.learnerBsn,
        grounds: spec.grounds,
        declarationIds: spec.declarationKeys.map((key) => loaded.declarationIds.get(key)),
        examAttempts: spec.examAttempts,
      });
  });
  beforeEach(async () => {
    browser = await BrowserSession.open();
  });
  afterEach(() => browser.close());
  afterAll(() => t.close());

  async function visit(path: string, heading: string | RegExp): Promise<void> {
    const response = await browser.page.goto(`${baseUrl}${path}`);
    expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
    await browser.page.getByRole('heading', { level: 1, name: heading }).waitFor();
    expect({ path, violations: await accessibilityViolations(browser.page) }).toEqual({
      path,
      violations: [],
    });
  }

  it('shows the reviewer pages, accessible, and takes the README screenshots', async () => {
    const { page } = browser;
    await browser.signIn(baseUrl, DEMO_USERS.auditor.email, DEMO_USERS.auditor.password);
    await visit('/console/flags', 'Werkvoorraad');
    expect(
      await page.getByRole('table', { name: 'Signaleringen' }).locator('tbody tr').count(),
    ).toBeGreaterThan(10);
    await page.screenshot({ path: 'docs/console-werkvoorraad.png' });

    await page.goto(`${baseUrl}/console/flags?rule=GROUP_SIZE_EXCEEDED`);
    await page.getByRole('table', { name: 'Signaleringen' }).locator('tbody tr a').first().click();
    await page.getByRole('heading', { level: 1, name: /Signalering/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: 'docs/console-signalering.png', fullPage: true });

    await visit('/console/dashboard', 'Dashboard');
    expect(await page.locator('figure svg').count()).toBe(5);
    expect(await page.locator('figure figcaption').count()).toBe(5);
    expect(await page.locator('figure table').count()).toBe(5);
    await page.screenshot({ path: 'docs/console-dashboard.png', fullPage: true });

    await visit('/console/schools', 'Scholen');
    await page.getByRole('table', { name: 'Taalscholen' }).locator('tbody tr a').first().click();
    await page.locator('figure svg').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await visit('/console/rules', 'Regels');
    // A rule change is simulated first: the simulation page shows what it would do, before saving.
    await page.getByText('Groep groter dan toegestaan (GROUP_SIZE_EXCEEDED) wijzigen').click();
    const form = page.locator('form[action="/console/rules/GROUP_SIZE_EXCEEDED/simulation"]');
    await form.getByLabel('Ernst').selectOption('LOW');
    await form.getByRole('button', { name: 'Simuleren' }).click();
    await page.getByRole('heading', { level: 1, name: /Simulatie/ }).waitFor();
    expect(await page.getByRole('table', { name: 'Gevolgen van de wijziging' }).textContent()).toMatch(
      /Andere ernst\s*[1-9]/,
    );
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await page.getByRole('button', { name: 'Wijziging opslaan' }).count()).toBe(1);
    // The supervision figures of the minister's letter period, as charts with their tables.
    await visit('/console/supervision?from=2022-11-01&to=2023-05-01', 'Toezicht');
    expect(await page.locator('figure svg').count()).toBe(5);
    expect(
      await page
        .getByRole('table', { name: 'Meldingen per ontvanger: cijfers' })
        .locator('tbody tr')
        .allTextContents(),
    ).toEqual([
      expect.stringMatching(/Blik op Werk\s*5/),
      expect.stringMatching(/DUO\s*14/),
      expect.stringMatching(/Arbeidsinspectie\s*2/),
    ]);
    await page.screenshot({ path: 'docs/console-toezicht.png', fullPage: true });
    await visit('/console/signals', 'Meldingen');
    await page.getByRole('table', { name: 'Meldingen' }).locator('tbody tr a').first().click();
    await page.getByRole('heading', { level: 1, name: /Melding/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await visit('/console/exemptions', 'Ontheffingen');
    await page.getByRole('table', { name: 'Ontheffingsverzoeken' }).locator('tbody tr a').first().click();
    await page.getByRole('heading', { level: 1, name: 'Ontheffingsverzoek' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    const notFound = await page.goto(`${baseUrl}/console/no-such-page`);
    expect(notFound?.status()).toBe(404);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("shows a school's own pages, accessible", async () => {
    await browser.signIn(baseUrl, schoolUserEmail(schoolKvk), DEMO_USERS.schoolPassword);
    await visit('/console/school', /.+/);
    await visit('/console/confirmation-requests', 'Bevestigingsverzoeken');
    await visit('/console/flags', 'Mijn signaleringen');
    await visit('/console/submissions', 'Inzendingen');
  });

  it('downloads the Werkvoorraad as CSV with the filter of the page', async () => {
    await browser.signIn(baseUrl, DEMO_USERS.auditor.email, DEMO_USERS.auditor.password);
    const response = await browser.page.request.get(
      `${baseUrl}/console/flags/download.csv?rule=GROUP_SIZE_EXCEEDED`,
    );
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,regel,ernst,status,school,onderwerp,onderwerpId,periodeVan,periodeTot,gesignaleerd,toelichting',
    );
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((line) => line.split(',')[1] === 'GROUP_SIZE_EXCEEDED')).toBe(true);
  });
});
