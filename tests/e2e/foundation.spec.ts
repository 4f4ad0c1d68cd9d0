import { LOCALES } from '~/i18n/locales.ts';
import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';

for (const locale of LOCALES) {
  test(`the ${locale.code} home page is in ${locale.label}, ${locale.dir}, accessible`, async ({ page }, testInfo) => {
    const response = await page.goto(`/${locale.code}/`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('html')).toHaveAttribute('lang', locale.code);
    await expect(page.locator('html')).toHaveAttribute('dir', locale.dir);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The current language is marked in the switcher.
    await expect(page.locator('.lang-switcher [aria-current="true"]')).toHaveText(locale.label);
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, `home-${locale.code}-desktop`);
    await page.setViewportSize(PHONE);
    await keepScreenshot(page, testInfo, `home-${locale.code}-phone`);
  });
}

test('no client JavaScript is loaded on the home page', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url());
  });
  await page.goto('/nl/');
  expect(scripts).toEqual([]);
});

test('the switcher keeps the page and names each language in its own script', async ({ page }) => {
  await page.goto('/nl/');
  const switcher = page.getByRole('navigation', { name: 'Kies een taal' });
  for (const l of LOCALES) {
    await expect(switcher.getByRole('link', { name: l.label, exact: true })).toHaveAttribute('lang', l.code);
  }
  await switcher.getByRole('link', { name: 'العربية' }).click();
  await expect(page).toHaveURL(/\/ar\/$/);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');

  // On a deeper page the switcher keeps that page (here: a page that does not exist).
  await page.goto('/ar/does-not-exist');
  await page.getByRole('link', { name: 'Polski' }).click();
  await expect(page).toHaveURL(/\/pl\/does-not-exist$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'pl');
});

test.describe('/ sends the visitor to their language', () => {
  test.use({ locale: 'ar-MA', extraHTTPHeaders: { 'Accept-Language': 'ar-MA,ar;q=0.9,fr;q=0.5' } });

  test('an Arabic browser lands on /ar/', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/ar\/$/);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  });

  test('the saved choice wins over the browser language', async ({ page }) => {
    await page.goto('/tr/');
    await page.goto('/');
    await expect(page).toHaveURL(/\/tr\/$/);
  });
});

test('a browser in an unsupported language lands on Dutch', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/nl\/$/);
  await context.close();
});

for (const code of ['nl', 'ar'] as const) {
  test(`the 404 page speaks ${code}`, async ({ page }) => {
    const response = await page.goto(`/${code}/nergens`);
    expect(response?.status()).toBe(404);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    await expect(page.getByRole('link', { name: code === 'nl' ? 'Naar de startpagina' : 'إلى الصفحة الرئيسية' })).toHaveAttribute(
      'href',
      `/${code}/`,
    );
    await expectNoAxeViolations(page);
  });
}

test('an unknown language prefix is a 404, not a page', async ({ page }) => {
  const response = await page.goto('/xx/');
  expect(response?.status()).toBe(404);
});

test('keyboard: the skip link is the first stop and moves focus to the content', async ({ page }) => {
  await page.goto('/uk/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Перейти до змісту' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  await expect(page.locator('#main')).toBeFocused();
});

test.describe('on a phone', () => {
  test.use({ viewport: PHONE });

  test('no public page scrolls sideways, in Arabic or Dutch', async ({ page }) => {
    for (const path of [
      '/ar/',
      '/ar/sign-in',
      '/ar/join',
      '/ar/class',
      '/ar/leaflets',
      '/ar/s/demo/leaflets',
      '/ar/s/demo/leaflets/gesprekken-op-school',
      '/ar/s/demo/leaflets/gesprekken-op-school?view=both',
      '/nl/s/demo/leaflets/extra-ondersteuning',
    ]) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
  });

  test('a parent finds the tips from the home page', async ({ page }) => {
    await page.goto('/tr/');
    await page.getByRole('link', { name: 'İpuçlarını okuyun' }).click();
    await page.getByRole('link', { name: 'Basisschool De Regenboog' }).click();
    await expect(page.locator('.leaflet-list .card')).toHaveCount(7);
    await expectNoAxeViolations(page);
  });
});
