import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { LOCALES } from '~/i18n/locales.ts';
import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/**
 * The privacy notice: the portal's general one and a school's own (its board, its contact for
 * privacy questions, its retention period), for anyone, in six languages, linked from every
 * footer; the admin fills in the school's details in its settings.
 */

const anonymous = { storageState: { cookies: [], origins: [] } };
const strings = (code: string, ns: string) =>
  JSON.parse(readFileSync(`src/i18n/locales/${code}/${ns}.json`, 'utf8')) as Record<string, string>;
const ROWS = 7;

/** The table's row about one kind of person or data, by its row header. */
const row = (page: Page, name: string) =>
  page.locator('.privacy-table tbody tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

/** Nothing on the page is wider than the phone. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(0);
}

test.describe('the privacy notice, for anyone, on a phone', () => {
  test.use({ ...anonymous, viewport: PHONE });

  for (const locale of LOCALES) {
    test(`the general notice and the demo school's page in ${locale.label} (${locale.code})`, async ({ page }) => {
      const privacy = strings(locale.code, 'privacy');
      const footerLabel = strings(locale.code, 'common')['footer.privacyLink']!;

      await page.goto(`/${locale.code}/privacy`);
      await expect(page.locator('html')).toHaveAttribute('lang', locale.code);
      await expect(page.locator('html')).toHaveAttribute('dir', locale.dir);
      await expect(page.locator('h1')).toHaveText(privacy.title!);
      await expect(page.getByRole('heading', { level: 2, name: privacy['table.title']! })).toBeVisible();
      await expect(page.locator('.privacy-table tbody tr')).toHaveCount(ROWS);
      // A short list of the sections first: the notice is long on a phone.
      await expect(page.locator('.privacy-contents a')).toHaveCount(6);
      await expect(page.getByRole('link', { name: 'autoriteitpersoonsgegevens.nl' })).toHaveAttribute(
        'href',
        'https://autoriteitpersoonsgegevens.nl/',
      );
      // The Dutch words (AVG, Autoriteit Persoonsgegevens, intern begeleider) are marked as Dutch.
      if (locale.code !== 'nl') await expect(page.locator('main i.dutch-term[lang=nl]', { hasText: 'AVG' }).first()).toBeVisible();
      await expect(page.getByRole('contentinfo').getByRole('link', { name: footerLabel })).toHaveAttribute(
        'href',
        `/${locale.code}/privacy`,
      );
      await expectNoSidewaysScroll(page);
      await expectNoAxeViolations(page);

      // The general notice leads to each school's own page.
      await page.locator('main a[href$="/s/demo/privacy"]').click();
      await expect(page).toHaveURL(new RegExp(`/${locale.code}/s/demo/privacy$`));
      await expect(page.locator('html')).toHaveAttribute('dir', locale.dir);
      await expect(page.locator('h1')).toHaveText(privacy.title!);
      await expect(page.locator('.school-banner__name')).toHaveText('Basisschool De Regenboog');
      await expect(page.locator('.privacy-table tbody tr')).toHaveCount(ROWS);
      await expect(page.getByRole('contentinfo').getByRole('link', { name: footerLabel })).toHaveAttribute(
        'href',
        `/${locale.code}/s/demo/privacy`,
      );
      await expectNoSidewaysScroll(page);
      await expectNoAxeViolations(page);
    });
  }

  test('an unknown school has no privacy page', async ({ page }) => {
    const response = await page.goto('/nl/s/nope/privacy');
    expect(response?.status()).toBe(404);
  });
});

test.describe('every footer links the privacy notice', () => {
  test.use(anonymous);

  test('the general one on the home page, the school’s own on a school’s leaflet', async ({ page }) => {
    await page.goto('/nl/');
    await page.getByRole('contentinfo').getByRole('link', { name: 'Privacyverklaring' }).click();
    await expect(page).toHaveURL(/\/nl\/privacy$/);
    await expect(page.locator('h1')).toHaveText('Privacyverklaring');
    // On a wide screen the notice is a real table with its column headers.
    await expect(page.getByRole('columnheader', { name: 'Hoe lang' })).toBeVisible();
    await expectNoAxeViolations(page);

    await page.goto('/ar/s/demo/leaflets/gesprekken-op-school');
    await page.getByRole('contentinfo').getByRole('link', { name: 'بيان الخصوصية' }).click();
    await expect(page).toHaveURL(/\/ar\/s\/demo\/privacy$/);
    await expect(page.locator('.school-banner__name')).toHaveText('Basisschool De Regenboog');
    await expectNoAxeViolations(page);
  });
});

test.describe('the admin fills in the school’s privacy details', () => {
  test.use({ storageState: authFile('admin'), viewport: PHONE });

  test('board, contact and retention in the settings; the school’s privacy page shows them', async ({ page, browser }, testInfo) => {
    // Not filled in yet: the page says so, and gives the school's own contact instead.
    await page.goto('/nl/s/demo/privacy');
    await expect(page.getByText('De school heeft de naam van het schoolbestuur nog niet ingevuld.')).toBeVisible();
    await expect(page.getByText('De school heeft nog geen contactpersoon voor privacy ingevuld.')).toBeVisible();
    await expect(page.locator('.privacy-contact')).toContainText('Marieke de Vries');
    await expect(row(page, 'Leerlingen')).toContainText('Tot 24 maanden nadat uw kind van school is gegaan.');
    await keepScreenshot(page, testInfo, 'privacy-nl-school-not-filled-in-phone');

    await page.goto('/nl/s/demo/admin/settings');
    const board = page.getByLabel('Naam van het schoolbestuur');
    const contact = page.getByLabel('Contactpersoon voor privacyvragen');
    const months = page.getByLabel('Bewaartermijn in maanden');
    await expect(months).toHaveValue('24');
    await expect(page.getByText('24 maanden is 2 schooljaren.')).toBeVisible();

    // Too short a period: refused with a sentence that names the field; what was typed stays.
    await board.fill('Stichting Regenboogscholen');
    await months.fill('5');
    await page.getByRole('button', { name: 'Privacygegevens opslaan' }).click();
    await expect(page.locator('#error-summary').getByRole('link')).toHaveText(
      'Bewaartermijn in maanden: Vul een aantal maanden in van 6 tot en met 120.',
    );
    await expect(board).toHaveValue('Stichting Regenboogscholen');
    await expect(months).toHaveValue('5');

    // Typed in Arabic-Indic digits, as on a phone set to Arabic: 36.
    await contact.fill('Joost Bakker, privacy@regenboog.example');
    await months.fill('٣٦');
    await page.getByRole('button', { name: 'Privacygegevens opslaan' }).click();
    await expect(page.getByText('De privacygegevens zijn opgeslagen.')).toBeVisible();
    await expect(months).toHaveValue('36');
    await expectNoAxeViolations(page);

    await page.getByRole('link', { name: 'Bekijk de privacypagina' }).click();
    await expect(page).toHaveURL(/\/nl\/s\/demo\/privacy$/);
    await expect(page.locator('.privacy-fact', { hasText: 'Schoolbestuur' })).toContainText('Stichting Regenboogscholen');
    await expect(page.locator('.privacy-fact', { hasText: 'Contactpersoon voor privacy' })).toContainText(
      'Joost Bakker, privacy@regenboog.example',
    );
    await expect(page.getByText('nog niet ingevuld')).toHaveCount(0);
    await expect(row(page, 'Leerlingen')).toContainText('Tot 36 maanden nadat uw kind van school is gegaan.');

    // And for anyone, in Arabic, on a phone.
    const visitor = await browser.newContext({ ...anonymous, viewport: PHONE, baseURL: testInfo.project.use.baseURL });
    const phone = await visitor.newPage();
    await phone.goto('/ar/s/demo/privacy');
    await expect(phone.locator('.privacy-fact', { hasText: 'مجلس إدارة المدرسة' })).toContainText('Stichting Regenboogscholen');
    await expect(row(phone, 'التلاميذ')).toContainText('حتى 36 شهرًا بعد مغادرة طفلك المدرسة.');
    await expectNoSidewaysScroll(phone);
    await expectNoAxeViolations(phone);
    await keepScreenshot(phone, testInfo, 'privacy-ar-school-phone');
    await phone.goto('/nl/s/demo/privacy');
    await expectNoSidewaysScroll(phone);
    await keepScreenshot(phone, testInfo, 'privacy-nl-school-phone');
    await visitor.close();
  });
});
