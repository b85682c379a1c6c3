/// <reference lib="dom" />
import { accessibilityViolations, BrowserSession } from '../support/browser';
import { checksSettled, flags } from '../support/checks';
import { attendedAndDeclared, newSchoolWithUser, SchoolWithUser, validBsn } from '../support/factories';
import { bearer, TestApp, TestUser } from '../support/test-app';

const API = '/api/v1';

/**
 * The console in a real Chromium against the real API, worker and database: what an auditor, DUO and a
 * school do in it, checked in the browser and then through the API and the audit log.
 */
// A real browser, a worker and a busy 2-core machine: these flows take seconds each.
jest.setTimeout(180_000);

describe('console in the browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let a: SchoolWithUser;
  let b: SchoolWithUser;
  let auditor: TestUser;
  let duo: TestUser;
  let browser: BrowserSession;

  /** A learner with 6 hours of lessons in January 2024 at school `s`, declared as 6 (with a contract) or 9 hours. */
  const declared = (s: SchoolWithUser, n: number, withContract: boolean) =>
    attendedAndDeclared(t, s.schoolUser, validBsn(700 + n), {
      withContract,
      declaredHours: withContract ? 6 : 9,
    });

  beforeAll(async () => {
    t = await TestApp.start({ worker: true });
    baseUrl = await t.listen();
    a = await newSchoolWithUser(t, {
      grantedFrom: '2020-01-01',
      name: 'Taalschool <script>alert(1)</script> "><img src=x onerror=alert(2)>',
    });
    b = await newSchoolWithUser(t, { grantedFrom: '2020-01-01', name: 'Taalschool Beta' });
    auditor = await t.user('AUDITOR');
    duo = await t.user('DUO');
    await declared(a, 1, false);
    await declared(b, 2, false);
    await checksSettled(t);
  });
  beforeEach(async () => {
    browser = await BrowserSession.open();
  });
  afterEach(() => browser.close());
  afterAll(() => t.close());

  it('lets an auditor filter the Werkvoorraad by rule, open a flag, assign it and dismiss it with a reason', async () => {
    const { page } = browser;
    await browser.signIn(baseUrl, auditor.email, auditor.password);
    expect(new URL(page.url()).pathname).toBe('/console/flags');
    await page.getByRole('heading', { level: 1, name: 'Werkvoorraad' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Regel').selectOption('DECLARED_HOURS_EXCEED_ATTENDANCE');
    await page.getByRole('button', { name: 'Filteren' }).click();
    await page.waitForURL(/rule=DECLARED_HOURS_EXCEED_ATTENDANCE/);
    expect(new URL(page.url()).search).toBe('?rule=DECLARED_HOURS_EXCEED_ATTENDANCE');
    const table = page.getByRole('table', { name: 'Signaleringen' });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(2);

    await rows.first().getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: /Signalering/ }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    const flagId = new URL(page.url()).pathname.split('/').pop() as string;

    await page.getByRole('button', { name: 'Aan mij toewijzen' }).click();
    // Assigned: the page comes back without the button, the flag in review.
    await page.getByRole('button', { name: 'Aan mij toewijzen' }).waitFor({ state: 'detached' });
    await page.locator('dl.console-meta dd', { hasText: 'In behandeling' }).first().waitFor();

    await page.getByLabel('Motivering').fill('Lesregistratie klopt na controle van de presentielijst.');
    await page.getByRole('button', { name: 'Afwijzen' }).click();
    // Decided: the page comes back with the decision and without the decision form.
    await page.getByRole('button', { name: 'Afwijzen' }).waitFor({ state: 'detached' });
    await page.locator('dl.console-meta dd', { hasText: 'Lesregistratie klopt' }).first().waitFor();

    const flag = await t.http
      .get(`${API}/flags/${flagId}`)
      .set(...bearer(auditor))
      .expect(200);
    expect(flag.body).toMatchObject({ status: 'DISMISSED', assigneeId: auditor.id });
    expect(flag.body.decision).toMatchObject({
      outcome: 'DISMISSED',
      reason: 'Lesregistratie klopt na controle van de presentielijst.',
      decidedBy: auditor.id,
    });
    const audit = await t.http
      .get(`${API}/audit-events`)
      .query({ subjectType: 'FLAG', subjectId: flagId })
      .set(...bearer(auditor))
      .expect(200);
    expect(audit.body.items.map((e: { action: string; actorId: string }) => [e.action, e.actorId])).toEqual(
      expect.arrayContaining([
        ['ASSIGNED', auditor.id],
        ['DECIDED', auditor.id],
      ]),
    );
  });

  it('lets a school answer "Nee, niet afgegeven" to DUO, which refuses the exemption with a forgery report', async () => {
    const { bsn, declarationId } = await declared(a, 3, true);
    await checksSettled(t);
    const created = await t.http
      .post(`${API}/exemptions`)
      .set(...bearer(duo))
      .send({ learnerBsn: bsn, grounds: 'AGI', declarationIds: [declarationId], examAttempts: 3 })
      .expect(201);
    expect(created.body.status).toBe('AWAITING_SCHOOL');

    const duoBrowser = await BrowserSession.open();
    try {
      await duoBrowser.signIn(baseUrl, duo.email, duo.password);
      await duoBrowser.page.goto(`${baseUrl}/console/exemptions/${created.body.id}`);
      await duoBrowser.page.getByText('Wacht op taalschool').first().waitFor();
      expect(await accessibilityViolations(duoBrowser.page)).toEqual([]);
    } finally {
      await duoBrowser.close();
    }

    const { page } = browser;
    await browser.signIn(baseUrl, a.schoolUser.email, a.schoolUser.password);
    expect(new URL(page.url()).pathname).toBe('/console/school');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page
      .getByRole('navigation', { name: 'Hoofdmenu' })
      .getByRole('link', { name: 'Bevestigingsverzoeken' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Bevestigingsverzoeken' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Nee, niet afgegeven' }).click();
    // Answered: the page comes back with the request's new status and without the buttons.
    await page.getByRole('button', { name: 'Nee, niet afgegeven' }).waitFor({ state: 'detached' });
    await page.locator('dl.console-meta dd', { hasText: 'Niet afgegeven' }).first().waitFor();

    const exemption = await t.http
      .get(`${API}/exemptions/${created.body.id}`)
      .set(...bearer(duo))
      .expect(200);
    expect(exemption.body.status).toBe('REFUSED');
    const reports = await t.sql(
      `SELECT declaration_id, school_id FROM forgery_reports WHERE exemption_id = $1`,
      [created.body.id],
    );
    expect(reports).toEqual([{ declaration_id: declarationId, school_id: a.school.id }]);
    const declaration = await t.http
      .get(`${API}/hours-declarations/${declarationId}`)
      .set(...bearer(duo))
      .expect(200);
    expect(declaration.body.status).toBe('REJECTED');
  });

  it("shows a school the 404 page for another school's flag", async () => {
    const [foreign] = await flags(t, auditor, { schoolId: b.school.id });
    const { page } = browser;
    await browser.signIn(baseUrl, a.schoolUser.email, a.schoolUser.password);
    const response = await page.goto(`${baseUrl}/console/flags/${foreign.id}`);
    expect(response?.status()).toBe(404);
    await page.getByRole('heading', { level: 1, name: 'Niet gevonden' }).waitFor();
    expect(await page.content()).not.toContain('Taalschool Beta');
    const own = await page.goto(`${baseUrl}/console/flags`);
    expect(own?.status()).toBe(200);
    expect(await page.getByRole('table', { name: 'Signaleringen' }).locator('tbody tr').count()).toBe(
      (await flags(t, a.schoolUser)).length,
    );
    // A reviewer-only page: the role may not, and the menu does not offer it.
    expect((await page.goto(`${baseUrl}/console/dashboard`))?.status()).toBe(403);
    expect(
      await page
        .getByRole('navigation', { name: 'Hoofdmenu' })
        .getByRole('link', { name: 'Dashboard' })
        .count(),
    ).toBe(0);
  });

  it('refuses a POST without the CSRF token with 403 and changes nothing', async () => {
    const [open] = await flags(t, auditor, { schoolId: b.school.id, status: 'OPEN' });
    const { page } = browser;
    await browser.signIn(baseUrl, auditor.email, auditor.password);
    const response = await page.request.post(`${baseUrl}/console/flags/${open.id}/assignment`, { form: {} });
    expect(response.status()).toBe(403);
    const forged = await page.request.post(`${baseUrl}/console/flags/${open.id}/assignment`, {
      form: { _csrf: 'not-the-token' },
    });
    expect(forged.status()).toBe(403);
    const after = await t.http
      .get(`${API}/flags/${open.id}`)
      .set(...bearer(auditor))
      .expect(200);
    expect(after.body).toMatchObject({ status: 'OPEN', assigneeId: null });
  });

  it('creates no session for a wrong password', async () => {
    const { page } = browser;
    const before = await t.sql(`SELECT count(*)::int AS n FROM console_sessions`);
    await page.goto(`${baseUrl}/console/login`);
    await page.getByLabel('E-mailadres').fill(auditor.email);
    await page.getByLabel('Wachtwoord').fill('not-the-password');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.getByText('Onjuist e-mailadres of wachtwoord.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await browser.context.cookies()).toEqual([]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM console_sessions`)).toEqual(before);
    expect((await page.goto(`${baseUrl}/console/flags`))?.url()).toBe(`${baseUrl}/console/login`);
  });

  it('escapes hostile text from a school on every page that shows it', async () => {
    const { page } = browser;
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await browser.signIn(baseUrl, auditor.email, auditor.password);
    for (const path of [
      '/console/flags',
      `/console/schools/${a.school.id}`,
      '/console/schools',
      '/console/dashboard',
    ]) {
      await page.goto(`${baseUrl}${path}`);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
    }
    await page.goto(`${baseUrl}/console/schools/${a.school.id}`);
    await page.getByRole('heading', { level: 1, name: /Taalschool <script>/ }).waitFor();
    expect(dialogs).toEqual([]);
  });

  it('can be used with the keyboard alone: Werkvoorraad to a flag and its actions', async () => {
    const { page } = browser;
    await browser.signIn(baseUrl, auditor.email, auditor.password);
    await page.goto(`${baseUrl}/console/flags?status=OPEN`);
    // The skip link is the first stop and jumps to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Naar de inhoud');
    await page.keyboard.press('Enter');
    /** Tabs until a link or button with this text has the focus. */
    const reached = async (name: string | RegExp, max = 80): Promise<void> => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const [tag, text] = await page.evaluate(() => [
          document.activeElement?.tagName ?? '',
          document.activeElement?.textContent?.trim() ?? '',
        ]);
        if (['A', 'BUTTON'].includes(tag) && (typeof name === 'string' ? text === name : name.test(text)))
          return;
      }
      throw new Error(`never reached ${String(name)} with Tab`);
    };
    await reached(/Meer uren verklaard dan gevolgd|Urenverklaring zonder contract bij DUO/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/flags\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name: /Signalering/ }).waitFor();
    await reached('Aan mij toewijzen');
    const focusOutline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(focusOutline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Aan mij toewijzen' }).waitFor({ state: 'detached' });
    // The decision, by keyboard: the Motivering field, then Afwijzen.
    for (let i = 0; i < 80 && (await page.evaluate(() => document.activeElement?.id)) !== 'reason'; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.type('Met het toetsenbord afgewezen.');
    await reached('Afwijzen');
    await page.keyboard.press('Enter');
    await page.locator('dl.console-meta dd', { hasText: 'Met het toetsenbord afgewezen.' }).first().waitFor();
  });

  it('hears the school and takes four eyes: an auditor asks, the school answers, the auditor proposes, a second auditor approves', async () => {
    // A real HIGH flag of the checks: 9 hours declared, 6 attended.
    const { declarationId } = await declared(a, 5, false);
    await checksSettled(t);
    const [{ id: flagId }] = await flags(t, auditor, {
      rule: 'DECLARED_HOURS_EXCEED_ATTENDANCE',
      subjectId: declarationId,
    });
    const secondAuditor = await t.user('AUDITOR');
    const flagUrl = `${baseUrl}/console/flags/${flagId}`;
    const as = async (user: TestUser, act: (page: BrowserSession['page']) => Promise<void>) => {
      const session = await BrowserSession.open();
      try {
        await session.signIn(baseUrl, user.email, user.password);
        await session.page.goto(flagUrl);
        await session.page.getByRole('heading', { level: 1, name: /Signalering/ }).waitFor();
        await act(session.page);
      } finally {
        await session.close();
      }
    };

    // The auditor asks for the school's view; until it is given, Bevestigen is not offered.
    await as(auditor, async (page) => {
      expect(await page.getByRole('button', { name: 'Bevestigen' }).count()).toBe(0);
      await page
        .getByLabel('Vraag aan de school')
        .fill('Gaf dezelfde docent op 4 maart twee lessen tegelijk?');
      await page.getByLabel('Uiterste datum').fill('2099-12-31');
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Zienswijze vragen' }).click();
      await page.getByRole('button', { name: 'Zienswijze vragen' }).waitFor({ state: 'detached' });
      await page.locator('dl.console-meta dd', { hasText: 'Nog niet ingediend' }).waitFor();
    });

    // The school sees the hearing on its start page and answers it on the flag's page.
    await as(a.schoolUser, async (page) => {
      await page.goto(`${baseUrl}/console/school`);
      await page.getByRole('link', { name: 'Meer uren verklaard dan gevolgd' }).first().waitFor();
      await page.goto(flagUrl);
      await page
        .getByLabel('Uw zienswijze')
        .fill('Nee: de tweede les was een inhaalles met een andere docent.');
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Zienswijze indienen' }).click();
      await page.getByRole('button', { name: 'Zienswijze indienen' }).waitFor({ state: 'detached' });
      await page.locator('dl.console-meta dd', { hasText: 'inhaalles' }).waitFor();
    });

    // The auditor proposes the confirmation; he cannot approve his own proposal.
    await as(auditor, async (page) => {
      await page
        .getByLabel('Motivering')
        .fill('Presentielijsten tonen dezelfde inburgeraar in beide lessen.');
      await page.getByRole('button', { name: 'Bevestigen' }).click();
      await page.locator('dl.console-meta dt', { hasText: 'Voorgesteld besluit' }).waitFor();
      expect(await page.getByRole('button', { name: 'Goedkeuren' }).count()).toBe(0);
    });

    // A second auditor approves: the confirmation takes effect.
    await as(secondAuditor, async (page) => {
      expect(await accessibilityViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Goedkeuren' }).click();
      await page.getByRole('button', { name: 'Goedkeuren' }).waitFor({ state: 'detached' });
      await page.locator('dl.console-meta dd', { hasText: 'Bevestigd' }).first().waitFor();
    });

    const decided = await t.http
      .get(`${API}/flags/${flagId}`)
      .set(...bearer(duo))
      .expect(200);
    expect(decided.body).toMatchObject({
      status: 'CONFIRMED',
      decision: { decidedBy: auditor.id, approvedBy: secondAuditor.id },
      hearing: { statement: 'Nee: de tweede les was een inhaalles met een andere docent.' },
    });
    const timeline = await t.http
      .get(`${API}/flags/${flagId}/timeline`)
      .set(...bearer(duo))
      .expect(200);
    expect(timeline.body.map((step: { action: string }) => step.action)).toEqual([
      'RAISED',
      'HEARING_REQUESTED',
      'HEARING_ANSWERED',
      'DECISION_PROPOSED',
      'DECISION_APPROVED',
      'DECIDED',
    ]);
  });

  it('registers a signal (melding) and triages it: shared with a chain partner, then closed', async () => {
    const { page } = browser;
    await browser.signIn(baseUrl, duo.email, duo.password);
    await page.goto(`${baseUrl}/console/signals`);
    await page.getByRole('heading', { level: 1, name: 'Meldingen' }).waitFor();
    const form = page.locator('form[method="post"][action="/console/signals"]');
    await form.getByLabel('Ontvangen door').selectOption('DUO');
    await form.getByLabel('Bron').selectOption('EXAM_LOCATION');
    await form.getByLabel('Soort').selectOption('RESULTS_BELOW_HOURS');
    await form.getByLabel('Ontvangen op').fill('2024-03-01');
    await form.getByLabel('Omschrijving').fill('Kandidaat haalt A1 na 600 verklaarde uren.');
    await form.getByLabel('School (als bekend)').selectOption(b.school.id);
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Melding registreren' }).click();
    await page.getByRole('heading', { level: 1, name: /Melding: Resultaten ver onder de uren/ }).waitFor();
    const signalId = new URL(page.url()).pathname.split('/').pop() as string;
    expect(await accessibilityViolations(page)).toEqual([]);

    const share = page.locator('form', { has: page.getByRole('button', { name: 'Delen' }) });
    await share.getByLabel('Delen met').selectOption('BOW');
    await share.getByLabel('Motivering').fill('Voor het toezicht op de school.');
    await share.getByRole('button', { name: 'Delen' }).click();
    await page.locator('dl.console-meta dd', { hasText: 'In behandeling' }).waitFor();
    const close = page.locator('form', { has: page.getByRole('button', { name: 'Afsluiten' }) });
    await close.getByLabel('Uitkomst').selectOption('MEASURES_TAKEN');
    await close.getByLabel('Motivering').fill('Audit ingepland.');
    await close.getByRole('button', { name: 'Afsluiten' }).click();
    await page.getByRole('button', { name: 'Afsluiten' }).waitFor({ state: 'detached' });

    const signal = await t.http
      .get(`${API}/signals/${signalId}`)
      .set(...bearer(auditor))
      .expect(200);
    expect(signal.body).toMatchObject({
      receivedBy: 'DUO',
      category: 'RESULTS_BELOW_HOURS',
      schoolId: b.school.id,
      status: 'CLOSED',
      outcome: 'MEASURES_TAKEN',
    });
    expect(signal.body.timeline.map((e: { action: string }) => e.action)).toEqual([
      'RECEIVED',
      'SHARE',
      'CLOSE',
    ]);
  });
});
