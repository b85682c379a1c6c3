/// <reference lib="dom" />
import { accessibilityViolations, BrowserSession } from '../support/browser';
import { checksSettled } from '../support/checks';
import {
  newContract,
  newDeclaration,
  newGroup,
  newLesson,
  newSchoolWithUser,
  newTeacher,
  SchoolWithUser,
  validBsn,
} from '../support/factories';
import { duoPayment } from '../support/review-fixtures';
import { bearer, TestApp, TestUser } from '../support/test-app';

const API = '/api/v1';

/**
 * Issue #12 in the browser: DUO enters the declarations a learner presented on paper, the detail page shows which
 * the register holds and which DUO knows a contract for, and the school whose name is on an unregistered one
 * denies it: refused, with a forgery report. Checked in the browser, then through the API.
 */
// A real browser, a worker and a busy 2-core machine: these flows take seconds each.
jest.setTimeout(180_000);

describe('presented declarations in the console', () => {
  let t: TestApp;
  let baseUrl: string;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let duo: TestUser;
  let browser: BrowserSession;
  const bsn = validBsn(811);
  /** In school b's register, attended in full, its contract known at DUO (a payment): nothing to ask. */
  const registered = {
    purpose: 'AGI' as const,
    periodStart: '2024-01-01',
    periodEnd: '2024-01-31',
    hours: 6,
    issuedOn: '2024-02-01',
  };
  /** In school a's name, but a never filed it. */
  const forged = {
    purpose: 'AGI' as const,
    periodStart: '2024-03-01',
    periodEnd: '2024-05-31',
    hours: 240,
    issuedOn: '2024-06-03',
  };
  let registeredId: string;

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    baseUrl = await t.listen();
    a = await newSchoolWithUser(t, { grantedFrom: '2020-01-01', name: 'Taalschool Alfa' });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01', name: 'Taalschool Beta' });
    duo = await t.user('DUO');
    await newContract(t, b.schoolUser, { learnerBsn: bsn });
    const groupCode = (await newGroup(t, b.schoolUser)).code;
    const teacherReference = (await newTeacher(t, b.schoolUser)).reference;
    for (const day of ['2024-01-08', '2024-01-15'])
      await newLesson(t, b.schoolUser, {
        groupCode,
        teacherReference,
        startsAt: `${day}T09:00:00+01:00`,
        endsAt: `${day}T12:00:00+01:00`,
        attendeeBsns: [bsn],
      });
    registeredId = (await newDeclaration(t, b.schoolUser, { learnerBsn: bsn, ...registered })).id;
    await duoPayment(t, { bsn, schoolKvk: b.school.kvkNumber });
    await checksSettled(t);
  });
  beforeEach(async () => {
    browser = await BrowserSession.open();
  });
  afterEach(() => browser.close());
  afterAll(() => t.close());

  /** Fills one of the form's rows of a presented declaration (its fieldset, found by its legend). */
  async function fillPresented(row: number, schoolKvk: string, d: typeof registered): Promise<void> {
    const set = browser.page.getByRole('group', { name: `Overgelegde urenverklaring ${row}` });
    await set.getByLabel('KvK-nummer van de school').fill(schoolKvk);
    await set.getByLabel('Doel').selectOption(d.purpose);
    await set.getByLabel('Periode van').fill(d.periodStart);
    await set.getByLabel('Periode tot').fill(d.periodEnd);
    await set.getByLabel('Uren').fill(String(d.hours).replace('.', ','));
    await set.getByLabel('Afgiftedatum').fill(d.issuedOn);
  }

  it('lets DUO register presented declarations, shows the unregistered one and its flag, and the school denies it: refused, forgery report', async () => {
    const { page } = browser;
    await browser.signIn(baseUrl, duo.email, duo.password);
    await page.goto(`${baseUrl}/console/exemptions`);
    await page.getByRole('heading', { level: 1, name: 'Ontheffingen' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // A half-filled row is refused by the API's DTO, and the page says which field.
    await page.getByLabel('BSN van de inburgeraar').fill(bsn);
    await page.getByLabel('Grond').selectOption('MEDICAL');
    await page
      .getByRole('group', { name: 'Overgelegde urenverklaring 1' })
      .getByLabel('KvK-nummer van de school')
      .fill(a.school.kvkNumber);
    await page.getByRole('button', { name: 'Registreren' }).click();
    await page.getByRole('alert').filter({ hasText: 'presentedDeclarations.0.hours' }).waitFor();
    expect(await t.sql(`SELECT id FROM exemptions`)).toEqual([]);
    await page.getByRole('link', { name: 'Terug naar het formulier' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ontheffingen' }).waitFor();

    // Two rows filled, the third left empty (ignored); no registered ids at all.
    await page.getByLabel('BSN van de inburgeraar').fill(bsn);
    await page.getByLabel('Grond').selectOption('MEDICAL');
    await fillPresented(1, b.school.kvkNumber, registered);
    await fillPresented(2, a.school.kvkNumber, forged);
    await page.getByRole('button', { name: 'Registreren' }).click();
    await page.waitForURL(/\/console\/exemptions\/[0-9a-f-]{36}$/);
    const exemptionId = new URL(page.url()).pathname.split('/').pop() as string;
    await page.getByText('Wacht op taalschool').first().waitFor();

    // The not-registered one is flagged by the checks in the background; then the page shows it all.
    await checksSettled(t);
    await page.reload();
    const table = page.getByRole('table', { name: 'Urenverklaringen van dit verzoek' });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const [matchedRow, forgedRow] = [rows.nth(0), rows.nth(1)];
    const cells = (row: typeof matchedRow) =>
      row.locator('td').evaluateAll((tds) => tds.slice(0, 4).map((td) => td.textContent?.trim()));
    expect(await cells(matchedRow)).toEqual([
      `Taalschool Beta (KvK ${b.school.kvkNumber})`,
      'Geregistreerd bij de school',
      'Gevonden in het register',
      'Ja',
    ]);
    expect(await cells(forgedRow)).toEqual([
      `Taalschool Alfa (KvK ${a.school.kvkNumber})`,
      'Overgelegd door de inburgeraar',
      'Niet in het register',
      'Nee',
    ]);
    await forgedRow.getByRole('link', { name: 'Getoonde urenverklaring niet in het register' }).waitFor();
    expect(await matchedRow.getByRole('link').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    const created = await t.http
      .get(`${API}/exemptions/${exemptionId}`)
      .set(...bearer(duo))
      .expect(200);
    const forgedId = created.body.declarations.find((d: { source: string }) => d.source === 'PRESENTED').id;
    expect(created.body.declarationIds).toEqual([registeredId, forgedId]);

    // The school sees the declaration as the learner presented it, and denies it.
    const school = await BrowserSession.open();
    try {
      await school.signIn(baseUrl, a.schoolUser.email, a.schoolUser.password);
      await school.page.goto(`${baseUrl}/console/confirmation-requests`);
      await school.page.getByRole('heading', { level: 1, name: 'Bevestigingsverzoeken' }).waitFor();
      const asked = school.page
        .getByRole('table', { name: 'Urenverklaringen in dit verzoek' })
        .locator('tbody tr');
      expect(await asked.count()).toBe(1);
      expect(await asked.locator('td').evaluateAll((tds) => tds.map((td) => td.textContent?.trim()))).toEqual(
        [
          `*****${bsn.slice(-4)}`,
          'Overgelegd door de inburgeraar',
          'AGI',
          '1 mrt 2024 t/m 31 mei 2024',
          '240',
          '3 jun 2024',
        ],
      );
      expect(await accessibilityViolations(school.page)).toEqual([]);
      await school.page
        .getByLabel('Toelichting (niet verplicht)')
        .fill('Deze urenverklaring is niet van ons.');
      await school.page.getByRole('button', { name: 'Nee, niet afgegeven' }).click();
      await school.page.getByRole('button', { name: 'Nee, niet afgegeven' }).waitFor({ state: 'detached' });
      await school.page.locator('dl.console-meta dd', { hasText: 'Niet afgegeven' }).first().waitFor();
    } finally {
      await school.close();
    }

    const refused = await t.http
      .get(`${API}/exemptions/${exemptionId}`)
      .set(...bearer(duo))
      .expect(200);
    expect(refused.body.status).toBe('REFUSED');
    expect(refused.body.declarations.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [registeredId, expect.not.stringMatching('REJECTED')],
      [forgedId, 'REJECTED'],
    ]);
    expect(
      await t.sql(`SELECT declaration_id, school_id FROM forgery_reports WHERE exemption_id = $1`, [
        exemptionId,
      ]),
    ).toEqual([{ declaration_id: forgedId, school_id: a.school.id }]);

    // DUO's page shows the refusal; the form's page and this one stay accessible.
    await page.reload();
    await page.locator('dl.console-meta dd', { hasText: 'Geweigerd' }).first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
