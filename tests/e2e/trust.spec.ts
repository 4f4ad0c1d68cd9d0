import sharp from 'sharp';
import { authFile } from './helpers.ts';
import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';

/**
 * Trust, as people meet it: teachers see their own classes; controls that reset a whole class
 * ask first; limits on signing in say, in the person's language, when to try again; a replaced
 * logo is gone from its old address; a list input cannot be made to hold the database.
 */

test.describe('teachers and their classes', () => {
  test('a teacher sees only the classes the admin gave them; the coach sees every class', async ({ browser }) => {
    const teacher = await browser.newContext({ storageState: authFile('teacher') });
    const t = await teacher.newPage();
    await t.goto('/nl/s/demo/admin');
    await expect(t.locator('.cards .card')).toHaveText([/Groep 3/]);
    const coach = await browser.newContext({ storageState: authFile('coach') });
    const c = await coach.newPage();
    await c.goto('/nl/s/demo/admin');
    // (Other tests may add classes meanwhile; the coach sees those too.)
    await expect(c.locator('.cards .card', { hasText: 'Groep 3' })).toHaveCount(1);
    await expect(c.locator('.cards .card', { hasText: 'Groep 6' })).toHaveCount(1);
    await c.locator('.cards a', { hasText: 'Groep 6' }).click();
    // Groep 6's page is not the teacher's: for her it does not exist.
    const groep6 = c.url();
    const direct = await t.goto(groep6);
    expect(direct?.status()).toBe(404);
    await teacher.close();
    await coach.close();
  });
});

test.describe('the school admin', () => {
  test.use({ storageState: authFile('admin') });

  test('nothing is ticked for login cards; making them says how many pupils need a new card, and asks', async ({ page }, testInfo) => {
    await page.goto('/nl/s/demo/admin');
    await page.locator('.cards a', { hasText: 'Groep 6' }).click();
    await expect(page.locator('input[name=pupils]:checked')).toHaveCount(0);
    // Without a choice: a sentence, not a reset of the whole class.
    await page.getByRole('button', { name: 'Inlogkaartjes maken voor de gekozen leerlingen' }).click();
    await expect(page.locator('.error-summary')).toContainText('Vink eerst aan');
    await page.getByLabel('Inlogkaartje voor Emma').check();
    await page.getByLabel('Inlogkaartje voor Liam').check();
    await page.getByRole('button', { name: 'Inlogkaartjes maken voor de gekozen leerlingen' }).click();
    await expect(page.locator('.confirm-cards')).toContainText('2 leerlingen');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'cards-confirm-nl');
    await page.getByRole('button', { name: 'Ja, maak 2 nieuwe kaartjes' }).click();
    await expect(page.locator('.login-card')).toHaveCount(2);
  });

  test('the admin chooses who teaches a class', async ({ page }) => {
    await page.goto('/nl/s/demo/admin');
    await page.locator('.cards a', { hasText: 'Groep 6' }).click();
    const karim = page.getByLabel('Karim El Amrani');
    await expect(karim).toBeChecked();
    await expect(page.getByLabel('Anna Jansen')).not.toBeChecked();
    await expectNoAxeViolations(page);
  });

  test('a replaced logo is gone from its old address, for anyone (hole 12)', async ({ page, playwright }) => {
    // Read as a parent on a leaflet would: without a session.
    const request = await playwright.request.newContext({
      baseURL: test.info().project.use.baseURL,
      storageState: { cookies: [], origins: [] },
    });
    const png = (colour: string) =>
      sharp({ create: { width: 120, height: 60, channels: 3, background: colour } })
        .png()
        .toBuffer();
    await page.goto('/nl/s/demo/admin/settings');
    await page.getByLabel('Kies een afbeelding').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: await png('#1d5c63') });
    await page.getByRole('button', { name: 'Logo opslaan' }).click();
    const first = await page.locator('img.school-logo').getAttribute('src');
    expect((await request.get(first!)).status()).toBe(200);
    await page.getByLabel('Kies een afbeelding').setInputFiles({ name: 'logo2.png', mimeType: 'image/png', buffer: await png('#a3431f') });
    await page.getByRole('button', { name: 'Logo opslaan' }).click();
    const second = await page.locator('img.school-logo').getAttribute('src');
    expect(second).not.toBe(first);
    expect((await request.get(second!)).status()).toBe(200);
    expect((await request.get(first!)).status()).toBe(404);
    await request.dispose();
  });

  test('a list input holds what a class holds: 2,000 repeats are refused with a sentence (hole 11)', async ({ page }) => {
    await page.goto('/nl/s/demo/admin');
    await page.locator('.cards a', { hasText: 'Groep 3' }).click();
    const id = await page.locator('input[name=pupils]').first().getAttribute('value');
    const body = new URLSearchParams([...Array(2000)].map(() => ['pupils', id!]).concat([['confirmed', 'on']])).toString();
    const response = await page.request.post(`${page.url()}?_action=classes.makeCards`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(page.url()).origin },
      data: body,
      maxRedirects: 0,
    });
    // Refused: the page again (after a redirect, so a reload posts nothing), with a sentence.
    expect([200, 303]).toContain(response.status());
    const html =
      response.status() === 303
        ? await (await page.request.get(new URL(response.headers().location!, page.url()).href)).text()
        : await response.text();
    expect(html).toContain('error-summary');
  });
});

test.describe('limits on signing in, told in the person’s language', () => {
  test('an Arabic-reading parent who asks for many codes is told, in Arabic, when she can ask again (hole 8)', async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    for (let i = 0; i < 5; i++) {
      await page.goto('/ar/sign-in');
      await page.locator('#field-email').fill('samira.limiet@ouders.example');
      await page.locator('form.form button[type=submit]').click();
      await expect(page).toHaveURL(/\/ar\/sign-in\/code$/);
    }
    await page.goto('/ar/sign-in');
    await page.locator('#field-email').fill('samira.limiet@ouders.example');
    await page.locator('form.form button[type=submit]').click();
    await expect(page).toHaveURL(/\/ar\/sign-in/);
    const error = page.locator('.field__error');
    await expect(error).toContainText('طلبتَ رمزًا');
    await expect(error).toContainText(/\d{1,2}:\d{2}/);
    // What she typed is still there; the page is Arabic, right to left.
    await expect(page.locator('#field-email')).toHaveValue('samira.limiet@ouders.example');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expectNoAxeViolations(page);
    await context.close();
  });
});
