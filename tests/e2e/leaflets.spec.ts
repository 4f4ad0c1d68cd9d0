import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { LOCALES } from '~/i18n/locales.ts';
import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

const LIST = '/ar/s/demo/leaflets';
const anonymous = { storageState: { cookies: [], origins: [] } };

/** Text with Latin letters that is not marked as another language (or as a name, a number, an address). */
async function unmarkedLatin(page: Page, root = 'main'): Promise<string[]> {
  return page.locator(root).evaluate((el) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      if (!/[A-Za-z]{2,}/.test(text)) continue;
      const parent = node.parentElement!;
      if (parent.closest('[translate="no"], script, style, .visually-hidden')) continue;
      const lang = parent.closest('[lang]')?.getAttribute('lang');
      if (lang === 'ar') found.push(text.trim());
    }
    return found;
  });
}

/** A stand-in for the browser's speech: Arabic and Dutch voices, and a record of what was said. */
async function stubSpeech(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const spoken: { text: string; lang: string }[] = [];
    (window as unknown as { __spoken: typeof spoken }).__spoken = spoken;
    const voices = [
      { lang: 'ar-SA', name: 'Arabic', default: false, localService: true, voiceURI: 'ar' },
      { lang: 'nl-NL', name: 'Dutch', default: true, localService: true, voiceURI: 'nl' },
    ];
    class Utterance {
      text: string;
      lang = '';
      voice: unknown = null;
      onend: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(text: string) {
        this.text = text;
      }
    }
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance });
    Object.defineProperty(window, 'speechSynthesis', {
      value: {
        getVoices: () => voices,
        speak: (u: Utterance) => {
          spoken.push({ text: u.text, lang: u.lang });
          setTimeout(() => u.onend?.(), 5);
        },
        cancel() {},
        pause() {},
        resume() {},
        addEventListener() {},
      },
    });
  });
}

test.describe('a parent reads', () => {
  test.use(anonymous);

  test('the list promises listening only on a phone with a voice in its language, and says how to keep it on the home screen (walk)', async ({
    page,
  }) => {
    // No voice at all (as headless Chromium): no promise of listening.
    await page.goto('/ar/s/demo/leaflets');
    await expect(page.locator('main')).not.toContainText(/تستمع|بصوت مسموع/, { useInnerText: true });
    await expect(page.locator('[data-when-voice]')).toBeHidden();
    const home = page.locator('details.home-screen');
    await home.locator('summary').click();
    await expect(home).toContainText('أندرويد');
    await expect(home).toContainText('آيفون');
    await expectNoAxeViolations(page);
    // An Arabic voice: the sentence shows. A Turkish page on that phone (no Turkish voice): it does not.
    await stubSpeech(page);
    await page.goto('/ar/s/demo/leaflets');
    await expect(page.locator('[data-when-voice]')).toBeVisible();
    await expect(page.locator('[data-when-voice]')).toContainText('«استمع»');
    await page.goto('/tr/s/demo/leaflets');
    await expect(page.locator('[data-when-voice]')).toBeHidden();
    await expect(page.locator('main')).not.toContainText(/sesli/, { useInnerText: true });
  });

  test('a leaflet in Arabic, right to left, nothing unmarked; side by side with Dutch; printed on A4', async ({ page }, testInfo) => {
    await page.goto(LIST);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.locator('.leaflet-list .card')).toHaveCount(7);
    await expectNoAxeViolations(page);
    await page.locator('.leaflet-list a').nth(1).click();

    await expect(page.locator('h1')).toHaveAttribute('lang', 'ar');
    await expect(page.locator('h1')).toHaveText('التعلّم يبدأ في البيت');
    expect(await unmarkedLatin(page)).toEqual([]);
    await expect(page.locator('.origin-labels li')).toHaveCount(1);
    // Without a voice for Arabic (headless Chromium has none) there is no read-aloud button.
    await expect(page.locator('[data-read-aloud]')).toBeHidden();
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'leaflet-ar-desktop');
    await page.setViewportSize(PHONE);
    await keepScreenshot(page, testInfo, 'leaflet-ar-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.locator('.leaflet-tools a[href$="?view=both"]').click();
    const row = page.locator('.bilingual__row').nth(2);
    await expect(row.locator('.block').first()).toHaveAttribute('lang', 'ar');
    await expect(row.locator('.block').last()).toHaveAttribute('lang', 'nl');
    await expect(page.locator('.bilingual__cell[lang="nl"] .h1-like')).toHaveText('Leren begint thuis');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'leaflet-ar-nl-side-by-side');
    // Two columns: the heads above them name the languages, no label per block.
    await expect(page.locator('.bilingual__head')).toBeVisible();
    await expect(row.locator('.bilingual__label')).toHaveCount(2);
    await expect(row.locator('.bilingual__label').first()).toBeHidden();
    // Stacked on a phone (walk 2026-12), each block says its language; the heads at the top go.
    await page.setViewportSize(PHONE);
    await expect(page.locator('.bilingual__head')).toBeHidden();
    await expect(row.locator('.bilingual__label').first()).toHaveText('العربية');
    await expect(row.locator('.bilingual__label').first()).toHaveAttribute('lang', 'ar');
    await expect(row.locator('.bilingual__label').last()).toHaveText('Nederlands');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'leaflet-ar-nl-side-by-side-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.print-qr svg')).toBeVisible();
    await expect(page.locator('.leaflet-tools')).toBeHidden();
    await page.setViewportSize({ width: 794, height: 1123 });
    await keepScreenshot(page, testInfo, 'leaflet-ar-nl-print');
  });

  test('with no JavaScript but the read-aloud control, the print button and, after the page has loaded, the offline worker', async ({
    browser,
  }) => {
    const context = await browser.newContext({ serviceWorkers: 'allow', storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
    // Notes how far the page was when it registered its worker.
    await page.addInitScript(() => {
      const sw = navigator.serviceWorker;
      const register = sw.register.bind(sw);
      (window as unknown as { registeredAt: string[] }).registeredAt = [];
      sw.register = (...args: Parameters<typeof register>) => {
        (window as unknown as { registeredAt: string[] }).registeredAt.push(document.readyState);
        return register(...args);
      };
    });
    await page.goto('/uk/s/demo/leaflets/samen-voor-uw-kind');
    const inline = await page.locator('script:not([src])').count();
    const external = await page.locator('script[src]').evaluateAll((s) => s.map((e) => (e as HTMLScriptElement).src));
    expect(inline + external.length).toBeLessThanOrEqual(3);
    expect(scripts.every((s) => new URL(s).pathname.startsWith('/_astro/'))).toBe(true);
    // The worker is registered only once the page has loaded: never in its critical path.
    await expect.poll(() => page.evaluate(() => (window as unknown as { registeredAt: string[] }).registeredAt)).toEqual(['complete']);
    await context.close();
  });
});

test.describe('a school adapts a leaflet', () => {
  test.use({ storageState: authFile('admin') });

  test('adds its own block, publishes; a parent reads it in Arabic with the new block in Dutch, marked; then translated; then restored', async ({
    page,
    browser,
  }, testInfo) => {
    test.slow();
    await page.goto('/nl/s/demo/admin/leaflets');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Gesprekken op school: goed voorbereid' }).click();
    await expect(page.locator('.translation-summary__item')).toHaveCount(5);
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'editor-nl');

    await page.locator('#new-kind').selectOption('paragraph');
    await page.locator('#new-block button[type=submit]').click();
    await page.locator('#new-text').fill('Bij ons zijn de oudergesprekken in november en in maart. U krijgt een uitnodiging.');
    await page.getByRole('button', { name: 'Toevoegen', exact: true }).click();
    await expect(page.locator('.notice')).toContainText('toegevoegd');
    // The new block has no translations yet: every language shows one missing.
    await expect(page.locator('.translation-summary__item').first()).toContainText('1 ontbreekt');
    // One part is not translated yet in any language: publishing asks first, with the counts.
    await page.getByRole('button', { name: 'Nieuwe versie online zetten' }).click();
    await expect(page.locator('#publish-confirm tbody tr')).toHaveCount(5);
    await page.getByRole('button', { name: 'Toch publiceren' }).click();
    await expect(page.locator('.notice')).toContainText('staat online');

    const parent = await browser.newContext(anonymous);
    const reader = await parent.newPage();
    await stubSpeech(reader);
    await reader.goto('/ar/s/demo/leaflets/gesprekken-op-school');
    const fallback = reader.locator('.block--fallback');
    await expect(fallback).toHaveCount(1);
    await expect(fallback).toHaveAttribute('lang', 'nl');
    await expect(fallback).toHaveAttribute('dir', 'ltr');
    await expect(fallback).toContainText('oudergesprekken in november');
    await expect(reader.locator('.fallback-note')).toBeVisible();
    expect(await unmarkedLatin(reader)).toEqual([]);
    // The Dutch school words kept in the Arabic text are marked as Dutch.
    await expect(reader.locator('.dutch-term[lang="nl"]', { hasText: 'intern begeleider' }).first()).toBeAttached();
    await expectNoAxeViolations(reader);

    // Read aloud: each block in its own language's voice, the Dutch block by the Dutch voice.
    await expect(reader.locator('[data-read-aloud]')).toBeVisible();
    await reader.locator('[data-read-aloud] [data-action=play]').click();
    // The school's block comes last: wait until the reading has got there.
    await expect
      .poll(() =>
        reader.evaluate(() =>
          (window as unknown as { __spoken: { text: string }[] }).__spoken.some((s) => s.text.includes('oudergesprekken')),
        ),
      )
      .toBe(true);
    const spoken = await reader.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken);
    expect(spoken[0]!.lang).toBe('ar-SA');
    expect(spoken.find((s) => s.text.includes('oudergesprekken'))?.lang).toBe('nl-NL');
    expect(spoken.filter((s) => s.lang === 'nl-NL')).toHaveLength(1);

    // The school translates the new block into Arabic and publishes again.
    await page.goto(`${new URL(page.url()).pathname}?edit=ar`);
    const block = page.locator('.editor-block', { hasText: 'oudergesprekken in november' });
    await expect(block.locator('.tag.status-missing')).toBeVisible();
    await block.locator('textarea[name=text]').fill('لقاءات الأهل عندنا في نوفمبر وفي مارس. ستصلك دعوة.');
    await block.locator('form.form button[type=submit]').first().click();
    await expect(page.locator('.notice')).toContainText('Opgeslagen');
    await expect(page.locator('.editor-block', { hasText: 'oudergesprekken in november' }).locator('.tag.status-current')).toBeVisible();
    await page.getByRole('button', { name: 'Nieuwe versie online zetten' }).click();
    // Arabic is complete now; the four other languages still miss the part.
    await expect(page.locator('#publish-confirm tbody tr')).toHaveCount(4);
    await page.getByRole('button', { name: 'Toch publiceren' }).click();
    await expect(page.locator('.notice')).toContainText('staat online');

    await reader.reload();
    await expect(reader.locator('.block--fallback')).toHaveCount(0);
    await expect(reader.getByText('لقاءات الأهل عندنا في نوفمبر')).toBeVisible();
    await expect(reader.locator('.origin-labels li')).toHaveCount(2);

    // Restore the version from before the school's block: it is published as a new version.
    await page.goto(new URL(page.url()).pathname);
    const live = Number(
      await page
        .locator('tbody tr')
        .first()
        .locator('th')
        .evaluate((th) => th.firstChild?.textContent?.trim() ?? ''),
    );
    await page
      .locator('form', { has: page.locator(`input[name=version][value="${live - 2}"]`) })
      .getByRole('button')
      .click();
    await expect(page.locator('.notice')).toContainText(`Versie ${live - 2} is teruggezet`);
    await reader.reload();
    await expect(reader.getByText('لقاءات الأهل عندنا في نوفمبر')).toHaveCount(0);
    await parent.close();
  });

  test('two people editing the same leaflet: the second save is refused and the typed text kept', async ({ page, context }) => {
    await page.goto('/nl/s/demo/admin/leaflets');
    await page.getByRole('link', { name: 'Betrokken bij school' }).click();
    const url = page.url();
    const other = await context.newPage();
    await other.goto(url);

    const mine = page.locator('.editor-block').nth(1);
    await mine.locator('textarea[name=text]').fill('Tekst van de eerste collega.');
    await mine.getByRole('button', { name: 'Opslaan' }).click();
    await expect(page.locator('.notice')).toContainText('Opgeslagen');

    const theirs = other.locator('.editor-block').nth(1);
    await theirs.locator('textarea[name=text]').fill('Tekst van de tweede collega.');
    await theirs.getByRole('button', { name: 'Opslaan' }).click();
    await expect(other.locator('.notice--warn').first()).toContainText('intussen veranderd');
    await expect(other.locator('.editor-block').nth(1).locator('textarea[name=text]')).toHaveValue('Tekst van de tweede collega.');
    await expect(other.locator('.editor-block').nth(1).locator('.editor-source')).toContainText('Tekst van de eerste collega.');
    await expectNoAxeViolations(other);
  });

  test('a draft survives a dropped network: the typed text comes back, and goes once saved', async ({ page, context }) => {
    await page.goto('/nl/s/demo/admin/leaflets');
    await page.getByRole('link', { name: 'Geloof in uw kind: hoge verwachtingen en het woordje ‘nog’' }).click();
    const url = page.url();
    const text = 'Kinderen groeien als wij in hen geloven. Dit typte ik in de trein.';
    await page.locator('.editor-block').nth(1).locator('textarea[name=text]').fill(text);
    await context.setOffline(true);
    await page
      .locator('.editor-block')
      .nth(1)
      .getByRole('button', { name: 'Opslaan' })
      .click()
      .catch(() => undefined);
    await context.setOffline(false);
    await page.goto(url);
    await expect(page.locator('.editor-block').nth(1).locator('textarea[name=text]')).toHaveValue(text);
    await expect(page.locator('.draft-note')).toBeVisible();
    await expectNoAxeViolations(page);
    await page.locator('.editor-block').nth(1).getByRole('button', { name: 'Opslaan' }).click();
    await expect(page.locator('.notice').first()).toContainText('Opgeslagen');
    await page.goto(url);
    await expect(page.locator('.draft-note')).toHaveCount(0);
    await expect(page.locator('.editor-block').nth(1).locator('textarea[name=text]')).toHaveValue(text);
  });

  test('text that looks like code is stored inert and shown as text', async ({ page, browser }) => {
    const payloads = [
      '<script>alert("x")</script>',
      '<img src=x onerror=alert(1)>',
      '[klik hier](javascript:alert(1))',
      '<iframe src="https://example.org"></iframe>',
      '<svg><script>alert(1)</script></svg>',
      'abc\u202Eevil\u202Cdef',
    ];
    await page.goto('/nl/s/demo/admin/leaflets');
    await page.locator('#field-title').fill('Proef met vreemde tekens');
    await page.getByRole('button', { name: 'Folder maken' }).click();
    await expect(page.locator('h1')).toHaveText('Proef met vreemde tekens');
    const add = async (kind: string, fields: Record<string, string>) => {
      await page.locator('#new-kind').selectOption(kind);
      await page.locator('#new-block button[type=submit]').click();
      for (const [name, value] of Object.entries(fields)) await page.locator(`#new-${name}`).fill(value);
      await page.getByRole('button', { name: 'Toevoegen', exact: true }).click();
      await expect(page.locator('.notice')).toContainText('toegevoegd');
    };
    await add('heading', { text: payloads[0]! });
    await add('paragraph', { text: payloads.join(' ') });
    await add('tips', { title: payloads[1]!, items: payloads.join('\n') });
    await add('image', { alt: payloads[3]!, caption: payloads[4]! });
    await add('contact', { text: payloads[2]! });
    await page.getByRole('button', { name: 'Online zetten', exact: true }).click();
    // Nothing is translated yet: publishing asks first.
    await page.getByRole('button', { name: 'Toch publiceren' }).click();
    await expect(page.locator('.notice')).toContainText('staat online');

    const parent = await browser.newContext(anonymous);
    const reader = await parent.newPage();
    const dialogs: string[] = [];
    reader.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const slug = 'proef-met-vreemde-tekens';
    for (const lang of ['nl', 'ar']) {
      await reader.goto(`/${lang}/s/demo/leaflets/${slug}`);
      await expect(reader.locator('main')).toContainText('<script>alert("x")</script>');
      await expect(reader.locator('main')).toContainText('onerror=alert(1)');
      expect(await reader.locator('main script:not([type="module"]), main iframe, main img[onerror], a[href^="javascript"]').count()).toBe(
        0,
      );
      expect(await reader.locator('main').innerHTML()).not.toContain('\u202E');
      await expect(reader.locator('main')).toContainText('abcevildef');
    }
    expect(dialogs).toEqual([]);
    await parent.close();
  });

  test('uploads: judged by their bytes, SVG and oversize refused with the draft kept, photos stripped of their metadata', async ({
    page,
    request,
  }) => {
    await page.goto('/nl/s/demo/admin/leaflets');
    await page.getByRole('link', { name: 'Uw kind praat mee' }).click();
    await page.locator('#new-kind').selectOption('image');
    await page.locator('#new-block button[type=submit]').click();
    await page.locator('#new-alt').fill('Een kind wijst een plaatje aan');
    await page.getByRole('button', { name: 'Toevoegen', exact: true }).click();
    const block = page.locator('.editor-block', { has: page.locator('input[type=file]') });

    // An SVG, even when called .png, is refused.
    await block.locator('input[type=file]').setInputFiles({
      name: 'plaatje.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    });
    await block.getByRole('button', { name: 'Afbeelding opslaan' }).click();
    await expect(page.locator('.field__error')).toContainText('SVG');
    await expect(page.locator('.editor-block', { has: page.locator('input[type=file]') }).locator('input[name=alt]')).toHaveValue(
      'Een kind wijst een plaatje aan',
    );

    const noise = await sharp(randomBytes(2400 * 2400 * 3), { raw: { width: 2400, height: 2400, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.byteLength).toBeGreaterThan(15 * 1024 * 1024);
    await page
      .locator('.editor-block', { has: page.locator('input[type=file]') })
      .locator('input[type=file]')
      .setInputFiles({ name: 'groot.png', mimeType: 'image/png', buffer: noise });
    await page
      .locator('.editor-block', { has: page.locator('input[type=file]') })
      .getByRole('button', { name: 'Afbeelding opslaan' })
      .click();
    // Too large to read at all (issue 18: the body is judged by its length first): the page again,
    // status 413, with the sentence naming the limit; the block and its text stay.
    await expect(page.locator('.error-summary')).toContainText('15 MB');
    await expect(page.locator('.editor-block', { has: page.locator('input[type=file]') }).locator('input[name=alt]')).toHaveValue(
      'Een kind wijst een plaatje aan',
    );

    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#88aacc' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'Secret place', Artist: 'A parent' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 5/1 0/1' } })
      .toBuffer();
    expect(photo.includes(Buffer.from('Exif'))).toBe(true);
    await page
      .locator('.editor-block', { has: page.locator('input[type=file]') })
      .locator('input[type=file]')
      .setInputFiles({ name: 'foto.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page
      .locator('.editor-block', { has: page.locator('input[type=file]') })
      .getByRole('button', { name: 'Afbeelding opslaan' })
      .click();
    await expect(page.locator('.notice')).toContainText('afbeelding is opgeslagen');
    const src = await page.locator('.editor-image img').getAttribute('src');
    expect(src).toMatch(/\/storage\/v1\/object\/public\/school-assets\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.webp$/);
    const stored = await request.get(src!);
    expect(stored.headers()['content-type']).toBe('image/webp');
    const bytes = await stored.body();
    expect(bytes.includes(Buffer.from('Exif'))).toBe(false);
    expect(bytes.includes(Buffer.from('Secret place'))).toBe(false);
  });
});

// Through axe in Dutch and Arabic; the other four languages over HTTP (tests/http/languages.test.ts).
for (const locale of LOCALES.filter((l) => l.code === 'nl' || l.code === 'ar')) {
  test.describe(`leaflet pages in ${locale.label}`, () => {
    test.use({ storageState: authFile('admin') });

    test(`list, reader and editor pass axe (${locale.code})`, async ({ page }) => {
      await page.goto(`/${locale.code}/s/demo/leaflets`);
      await expectNoAxeViolations(page);
      await page.goto(`/${locale.code}/s/demo/leaflets/hoge-verwachtingen`);
      await expect(page.locator('h1')).toHaveAttribute('lang', locale.code);
      await expectNoAxeViolations(page);
      await page.goto(`/${locale.code}/s/demo/admin/leaflets`);
      await expectNoAxeViolations(page);
      await page.locator('.editor-list a').first().click();
      await expectNoAxeViolations(page);
      await page.goto(`${page.url()}?edit=${locale.code === 'nl' ? 'ar' : locale.code}`);
      await expectNoAxeViolations(page);
    });
  });
}
