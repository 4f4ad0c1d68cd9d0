import jsQR from 'jsqr';
import sharp from 'sharp';
import { LOCALE_CODES } from '~/i18n/locales.ts';
import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/**
 * Reach (issue 13): a poster whose six QR codes each lead to the school's tips in their language
 * (decoded from the printed page), leaflets a parent can read without a network after one visit,
 * and cards with a picture and a one-line summary.
 */

const anonymous = { storageState: { cookies: [], origins: [] } };
const ORIGIN = `http://localhost:${Number(process.env.E2E_PORT ?? 4399)}`;

/** The text of the QR code drawn in an element, read from a screenshot of it. */
async function decode(png: Buffer): Promise<string | null> {
  // A white quiet zone around it, as on paper, so the decoder finds the corners.
  const { data, info } = await sharp(png)
    .extend({ top: 24, bottom: 24, left: 24, right: 24, background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height)?.data ?? null;
}

test.describe('the school poster', () => {
  // Printers print finer than a screen shows: three device pixels per CSS pixel (288 dpi).
  test.use({ storageState: authFile('admin'), deviceScaleFactor: 3 });

  test('A4 in print: six codes, each read back to the school’s list in its own language, each labelled in its own script', async ({
    page,
  }, testInfo) => {
    await page.goto('/nl/s/demo/admin/leaflets');
    await page.getByRole('link', { name: 'Poster en flyer met QR-codes' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Poster voor ouders');
    await expectNoAxeViolations(page);
    // As printed on A4 (210 × 297 mm at 96 dpi).
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-header')).toBeHidden();
    await expect(page.getByRole('heading', { level: 1 })).toBeHidden();
    await keepScreenshot(page, testInfo, 'poster-a4-print-nl');
    const codes = page.locator('.poster__code');
    await expect(codes).toHaveCount(6);
    for (const lang of LOCALE_CODES) {
      const code = page.locator(`.poster__code[data-lang="${lang}"]`);
      expect(await decode(await code.locator('.qr').screenshot()), lang).toBe(`${ORIGIN}/${lang}/s/demo/leaflets`);
      await expect(code).toHaveAttribute('lang', lang);
    }
    await expect(page.locator('.poster__code[data-lang="ar"]')).toHaveAttribute('dir', 'rtl');
    await expect(page.locator('.poster__code[data-lang="ar"] .poster__line')).toHaveText('نصائح للأهل');
    await expect(page.locator('.poster__code[data-lang="uk"] .poster__line')).toHaveText('Поради для батьків');
    // The whole sheet fits one A4 page.
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBe(1);
  });

  test('the flyer: four to an A4 sheet, each with its six codes; in Arabic the page reads right to left', async ({ page }, testInfo) => {
    await page.goto('/nl/s/demo/admin/leaflets/poster?format=flyer');
    await expect(page.locator('.poster--small')).toHaveCount(4);
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: 'print' });
    await keepScreenshot(page, testInfo, 'poster-flyer-print-nl');
    const first = page.locator('.poster--small').first();
    expect(await decode(await first.locator('.poster__code[data-lang="tr"] .qr').screenshot())).toBe(`${ORIGIN}/tr/s/demo/leaflets`);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length).toBe(1);
    await page.emulateMedia({ media: 'screen' });
    await page.goto('/ar/s/demo/admin/leaflets/poster?format=a3');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expectNoAxeViolations(page);
  });
});

test.describe('cards that invite reading', () => {
  test.use(anonymous);
  test('each leaflet has a picture and a one-line summary in the reader’s language', async ({ page }) => {
    await page.setViewportSize(PHONE);
    await page.goto('/uk/s/demo/leaflets');
    const cards = page.locator('.leaflet-card');
    expect(await cards.count()).toBeGreaterThan(3);
    // In Ukrainian where the school's first paragraph is translated; else in Dutch, marked as such
    // (other tests add Dutch-only paragraphs to some leaflets).
    const langs: string[] = [];
    for (const card of await cards.all()) {
      await expect(card.locator('svg.pupil-picture use')).toHaveCount(1);
      await expect(card.locator('.leaflet-card__summary')).toHaveText(/\S.{10,}/);
      langs.push((await card.locator('.leaflet-card__summary').getAttribute('lang'))!);
    }
    expect(langs.every((l) => l === 'uk' || l === 'nl')).toBe(true);
    expect(langs.filter((l) => l === 'uk').length).toBeGreaterThanOrEqual(4);
    // No two cards show the same picture for the school's standard leaflets.
    const pictures = await cards.locator('svg.pupil-picture use').evaluateAll((uses) => uses.map((u) => u.getAttribute('href')));
    expect(new Set(pictures).size).toBe(pictures.length);
    await expectNoAxeViolations(page);
  });
});

test.describe('reading without a network', () => {
  test.use({ ...anonymous, serviceWorkers: 'allow' });
  test('after one visit the list, a leaflet and the side-by-side view open offline; signed-in pages never come from the store', async ({
    page,
    context,
  }) => {
    await page.goto('/ar/s/demo/leaflets');
    // The quiet line once everything is kept.
    await expect(page.locator('.offline-note')).toHaveText('حُفظت هذه النصائح على هاتفك: يمكنك قراءتها من دون إنترنت.', { timeout: 20_000 });
    await expectNoAxeViolations(page);
    const first = await page.locator('.leaflet-card h2 a').first().getAttribute('href');
    const manifest = await page.locator('link[rel=manifest]').getAttribute('href');
    expect(manifest).toBe('/ar/s/demo/manifest.webmanifest');
    const app = await (await page.request.get(manifest!)).json();
    expect(app).toMatchObject({
      start_url: '/ar/s/demo/leaflets',
      scope: '/ar/s/demo/leaflets',
      lang: 'ar',
      dir: 'rtl',
      display: 'standalone',
    });
    // Nothing outside the school's public leaflets is kept.
    const kept = await page.evaluate(async () => {
      const names: string[] = [];
      for (const key of await caches.keys()) for (const req of await (await caches.open(key)).keys()) names.push(new URL(req.url).pathname);
      return names;
    });
    expect(kept).toContain(first);
    expect(kept.filter((p) => /\/(app|admin|sign-in|class|pupil)\b/.test(p))).toEqual([]);

    await context.setOffline(true);
    await page.goto('/ar/s/demo/leaflets');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('نصائح للأهل');
    await expect(page.locator('.offline-note')).toHaveText('لا يوجد اتصال بالإنترنت الآن. أنت تقرأ النصائح المحفوظة على هاتفك.');
    await page.goto(first!);
    await expect(page.locator('article h1')).toBeVisible();
    await page.goto(`${first}?view=both`);
    await expect(page.locator('.leaflet-page--both')).toBeVisible();
    await expect(page.locator('[lang="nl"]').first()).toBeVisible();
    // A signed-in page is not in the store: offline it does not open.
    const signedIn = await page.goto('/ar/app').catch(() => null);
    expect(signedIn?.ok() ?? false).toBe(false);
    await context.setOffline(false);
  });

  test('a newly published version shows at once when online (the network comes first)', async ({ page, context }) => {
    await page.goto('/nl/s/demo/leaflets');
    await expect(page.locator('.offline-note')).toBeVisible({ timeout: 20_000 });
    // A page the server answers differently now is shown as the server has it, not as kept.
    await context.route('**/nl/s/demo/leaflets', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>x</title><h1>Nieuw</h1>' }),
    );
    await page.goto('/nl/s/demo/leaflets');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nieuw');
  });
});
