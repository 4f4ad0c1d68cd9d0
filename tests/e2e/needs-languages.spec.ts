import { expect, expectNoAxeViolations, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/** The school's pages of pupils' needs, in every language: axe, and the page's own language. */
const GROEP_3 = '20000000-0000-4000-8000-000000000003';
const VETERS = '40000000-0000-4000-8000-000000000031';
const LOCALES = ['nl', 'en', 'ar', 'uk', 'pl', 'tr'] as const;
const scanned = (lang: (typeof LOCALES)[number], i: number) => lang === 'nl' || lang === 'ar' || (i + LOCALES.indexOf(lang)) % 2 === 0;

test.describe('every new school page passes axe in every language', () => {
  test.use({ storageState: authFile('admin') });
  for (const lang of LOCALES) {
    test(`school pages (${lang})`, async ({ page }) => {
      for (const [i, path] of [
        `/${lang}/s/demo/admin/classes/${GROEP_3}`,
        `/${lang}/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}`,
        `/${lang}/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}/plan`,
        `/${lang}/s/demo/admin/needs`,
        `/${lang}/s/demo/admin/voices?in=${lang}`,
        `/${lang}/about`,
      ].entries()) {
        await page.goto(path);
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
        // Every page in Dutch and Arabic (the two directions); in each other language every other
        // page, alternating, so across them every page is scanned in a left-to-right language
        // that is not Dutch too (the same layout with other words).
        if (scanned(lang, i)) await expectNoAxeViolations(page);
      }
    });
  }
});
