import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/**
 * Meeting pages that follow time (issue 19, part 5): a parent's list splits what is coming (soonest
 * first) from what was held (latest first, leading to agreements and feedback); the preparation
 * counts one thing ("question 1 of 6"), its header leaves a 360 px phone to the question, and a
 * question's choices fit a phone in well under two screens.
 */
const PHONE_360 = { width: 360, height: 740 };
const UPCOMING = '50000000-0000-4000-8000-000000000001';

test.use({ storageState: authFile('parentAr'), viewport: PHONE_360, hasTouch: true });

test('the list: coming up soonest first, then held, latest first, with its agreements and feedback', async ({ page }, testInfo) => {
  await page.goto('/ar/app/meetings');
  const upcoming = page.locator('.meeting-list--upcoming .meeting-list__item');
  const past = page.locator('.meeting-list--past .meeting-list__item');
  await expect(upcoming.first()).toBeVisible();
  await expect(past.first()).toBeVisible();
  const hrefs = async (items: typeof upcoming) => Promise.all((await items.all()).map((i) => i.locator('a').getAttribute('href')));
  // Samira's: Yusuf's meeting next week is coming; Sara's two of today and October's were held.
  expect((await hrefs(upcoming)).some((h) => h?.endsWith(UPCOMING))).toBe(true);
  const held = await hrefs(past);
  expect(held.at(-1)).toMatch(/000000000002$/);
  const october = past.filter({ has: page.locator('a[href$="000000000002"]') });
  await expect(october).toContainText('اتفاقان');
  await expect(october).toContainText('أُرسل رأيك');
  await expect(october).not.toContainText('لم يبدأ التحضير بعد');
  await expectNoAxeViolations(page);
  await keepScreenshot(page, testInfo, 'meetings-list-ar-phone');
});

test('one question per screen on a 360 px phone: one counter, a header that leaves room, choices within two screens', async ({
  page,
}, testInfo) => {
  await page.goto(`/ar/app/meetings/${UPCOMING}/prepare/1`);
  await expect(page.locator('.prep__step')).toContainText('السؤال 1 من 6');
  await expect(page.locator('progress')).toHaveAttribute('max', '6');
  await expect(page.locator('body')).not.toContainText('من 8');
  const header = await page.locator('.site-header').boundingBox();
  expect(header!.height).toBeLessThanOrEqual(90);
  const question = await page.locator('h1').boundingBox();
  expect(question!.y).toBeLessThan(200);
  const next = await page.locator('button[name=go][value=next]').boundingBox();
  expect(next!.y + next!.height).toBeLessThanOrEqual(2 * PHONE_360.height);
  // The languages and the person's links are one tap away, in the menu.
  await page.locator('.compact-menu summary').tap();
  await expect(page.locator('.compact-menu a[hreflang="nl"]')).toBeVisible();
  await expectNoAxeViolations(page);
  await keepScreenshot(page, testInfo, 'prepare-ar-360');
  // The meeting page counts the same thing.
  await page.goto(`/ar/app/meetings/${UPCOMING}`);
  await expect(page.locator('#prep-title ~ p').filter({ hasText: '6' }).first()).toContainText('من 6');
});
