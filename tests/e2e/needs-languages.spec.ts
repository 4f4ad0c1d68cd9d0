import { expect, expectNoAxeViolations, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/**
 * The school's pages of pupils' needs through axe in Dutch and Arabic, with the page's own
 * language. The other four languages are checked over HTTP (tests/http/languages.test.ts).
 */
const GROEP_3 = '20000000-0000-4000-8000-000000000003';
const VETERS = '40000000-0000-4000-8000-000000000031';
const LOCALES = ['nl', 'ar'] as const;

test.describe('every new school page passes axe in Dutch and Arabic', () => {
  test.use({ storageState: authFile('admin') });
  for (const lang of LOCALES) {
    test(`school pages (${lang})`, async ({ page }) => {
      // Six pages, two of them long (a class of ten, its round form with nine cards) through axe:
      // 22 s alone, over 30 s on a busy machine.
      test.slow();
      for (const path of [
        `/${lang}/s/demo/admin/classes/${GROEP_3}`,
        `/${lang}/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}`,
        `/${lang}/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}/plan`,
        `/${lang}/s/demo/admin/needs`,
        `/${lang}/s/demo/admin/voices?in=${lang}`,
        `/${lang}/about`,
      ]) {
        await page.goto(path);
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
        await expectNoAxeViolations(page);
      }
    });
  }
});
