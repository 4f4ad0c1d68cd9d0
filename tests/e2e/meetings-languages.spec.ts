import { expect, expectNoAxeViolations, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/**
 * The meeting pages through axe in Dutch and Arabic (every layout, both directions), with the
 * page's own language and direction. The other four languages of every page kind are checked over
 * HTTP (tests/http/languages.test.ts: status, lang, dir, raw keys, Dutch left unmarked).
 */
const LOCALES = ['nl', 'ar'] as const;
const UPCOMING = '50000000-0000-4000-8000-000000000007';
const HELD = '50000000-0000-4000-8000-000000000005';

test.describe('school pages', () => {
  test.use({ storageState: authFile('admin') });
  for (const lang of LOCALES) {
    test(`meetings for staff (${lang})`, async ({ page }) => {
      for (const path of [
        's/demo/admin/meetings',
        `s/demo/admin/meetings/${UPCOMING}`,
        `s/demo/admin/meetings/${HELD}`,
        's/demo/admin/meetings/rounds',
        's/demo/admin/feedback',
      ]) {
        await page.goto(`/${lang}/${path}`);
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
        await expectNoAxeViolations(page);
      }
    });
  }
});

test.describe("a parent's pages", () => {
  test.use({ storageState: authFile('parentPl') });
  for (const lang of LOCALES) {
    test(`meetings for parents (${lang})`, async ({ page }) => {
      for (const path of [
        'app/meetings',
        `app/meetings/${UPCOMING}`,
        `app/meetings/${UPCOMING}/prepare/0`,
        `app/meetings/${UPCOMING}/prepare/1`,
        `app/meetings/${UPCOMING}/prepare/5`,
        `app/meetings/${UPCOMING}/prepare/7`,
        `app/meetings/${UPCOMING}/summary`,
        `app/meetings/${HELD}`,
        'phrases',
      ]) {
        await page.goto(`/${lang}/${path}`);
        await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr');
        await expectNoAxeViolations(page);
      }
    });
  }

  test('phrase cards: the Dutch isolated inside right-to-left text, spoken with a Dutch voice', async ({ page }) => {
    await page.goto('/ar/phrases');
    const card = page.locator('.phrase').first();
    await expect(card.locator('[lang="nl"][dir="ltr"]')).toHaveText('Wilt u iets langzamer praten?');
    await expect(card.locator('.phrase__own')).not.toHaveText('Wilt u iets langzamer praten?');
  });

  test("another family's meeting is a page that does not exist", async ({ page }) => {
    const response = await page.goto('/nl/app/meetings/50000000-0000-4000-8000-000000000001');
    expect(response?.status()).toBe(404);
    expect((await page.request.get('/nl/app/meetings/50000000-0000-4000-8000-000000000001/calendar.ics')).status()).toBe(404);
  });
});
