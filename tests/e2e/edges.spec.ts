import { readFileSync } from 'node:fs';
import { LOCALES } from '~/i18n/locales.ts';
import { expect, expectNoAxeViolations, PHONE, test } from './fixtures.ts';
import { codeFromMailbox, DEMO, oneSignInAtATime } from './helpers.ts';

/**
 * What parents and staff ran into: "not found" pages in the page's own language, codes typed in
 * Arabic-Indic digits, and long input that must never push a phone page sideways.
 */

const anonymous = { storageState: { cookies: [], origins: [] } };
const common = (code: string) => JSON.parse(readFileSync(`src/i18n/locales/${code}/common.json`, 'utf8')) as Record<string, string>;

test.describe('not found, in the language of the address', () => {
  test.use({ ...anonymous, extraHTTPHeaders: { 'Accept-Language': 'nl' } });

  // Through axe in Dutch and Arabic; in all six languages over HTTP (tests/http/languages.test.ts).
  for (const locale of LOCALES.filter((l) => l.code === 'nl' || l.code === 'ar')) {
    test(`an unknown school or leaflet answers in ${locale.label} (${locale.code})`, async ({ page }) => {
      for (const path of [
        `/${locale.code}/s/nope/leaflets`,
        `/${locale.code}/s/demo/leaflets/does-not-exist`,
        `/${locale.code}/no-such-page`,
      ]) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(404);
        await expect(page.locator('html')).toHaveAttribute('lang', locale.code);
        await expect(page.locator('html')).toHaveAttribute('dir', locale.dir);
        await expect(page.locator('h1')).toHaveText(common(locale.code)['notFound.title']!);
      }
      await expectNoAxeViolations(page);
    });
  }
});

test.describe('numbers typed in the digits of the phone', () => {
  test.use(anonymous);

  test('Samira types her sign-in code in Arabic-Indic digits and is signed in', async ({ page }) => {
    await oneSignInAtATime(DEMO.parentAr, async () => {
      await page.goto('/ar/sign-in');
      await page.locator('#field-email').fill(DEMO.parentAr);
      await page.locator('form.form button[type=submit]').click();
      await expect(page).toHaveURL(/\/ar\/sign-in\/code$/);
      const code = await codeFromMailbox(page, DEMO.parentAr);
      const arabic = code.replace(/\d/g, (d) => String.fromCodePoint(0x0660 + Number(d)));
      await page.locator('#field-code').fill(arabic);
      await page.locator('form.form button[type=submit]').click();
      await expect(page).toHaveURL(/\/ar\/app$/);
    });
  });
});

test.describe('long input on a phone, in every language', () => {
  test.use({ ...anonymous, viewport: PHONE });

  for (const locale of LOCALES) {
    test(`a 240-character address and a 300-character name wrap (${locale.code})`, async ({ page }) => {
      // One address per language: the sign-in limit per address (five codes in 15 minutes) is real.
      const email = `${locale.code}${'a'.repeat(226)}@example.com`;
      await page.goto(`/${locale.code}/sign-in`);
      await page.locator('#field-email').fill(email);
      await page.locator('form.form button[type=submit]').click();
      await expect(page).toHaveURL(new RegExp(`/${locale.code}/sign-in/code$`));
      let overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'code page').toBeLessThanOrEqual(0);

      await page.goto(`/${locale.code}/join`);
      await page.locator('#field-code').fill('ABCD-EFGH');
      await page.locator('#field-name').fill('Zeynep'.repeat(50));
      await page.locator('form.form button[type=submit]').click();
      await expect(page.locator('.error-summary')).toBeVisible();
      // What was typed is kept, and not repeated whole in the messages.
      await expect(page.locator('#field-name')).toHaveValue(/^(Zeynep){5}/);
      expect(await page.locator('.error-summary').innerText()).not.toContain('Zeynep'.repeat(50));
      overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'join page').toBeLessThanOrEqual(0);
    });
  }
});
