import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';
import { authFile, DEMO, signIn } from './helpers.ts';

/**
 * Meetings across languages, both ways (issue 19), with the fake LibreTranslate server as the
 * school's translation machine (playwright.config.ts): Samira (Arabic, phone) reads the goal, the
 * place and the October agreements in Arabic, marked as machine translation, the Dutch a tap away;
 * she shares her preparation; meester Karim reads her answers and her feedback in Dutch below her
 * words, marked; a correction by staff shows as checked, to staff and to Samira; a second view asks
 * the machine nothing (counted by the fake); interpreters are planned, asked for in the request
 * form itself, and listed until arranged. Then a server without any translation machine: the same
 * pages show the originals and say so, in each language.
 */
test.describe.configure({ mode: 'serial' });

const PORT = Number(process.env.E2E_PORT ?? 4399);
const TRANSLATOR = `http://127.0.0.1:${PORT - 1}`;
const UPCOMING = '50000000-0000-4000-8000-000000000001';
const OCTOBER = '50000000-0000-4000-8000-000000000002';
const PHONE_360 = { width: 360, height: 740 };
const GOAL = 'Hoe gaat het met rekenen, en wat helpt Yusuf?';
const AGREEMENT = 'Yusuf leest thuis elke dag tien minuten, ook in het Arabisch.';
const ANSWER = 'يحب كرة القدم ويساعد أخته الصغيرة.';
const TOP = 'أخذ المعلّم وقته واستمع إليّ جيدًا.';
const LOCALES = ['nl', 'en', 'ar', 'uk', 'pl', 'tr'] as const;
const strings = (lang: string, ns: string) =>
  JSON.parse(readFileSync(`src/i18n/locales/${lang}/${ns}.json`, 'utf8')) as Record<string, string>;

async function as(browser: Browser, who: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ storageState: authFile(who), ...options });
  return context.newPage();
}

/** How many translation requests reached the machine with these words in them. */
async function sentWith(page: Page, words: string): Promise<number> {
  const res = await page.request.get(`${TRANSLATOR}/__requests?contains=${encodeURIComponent(words)}`);
  return ((await res.json()) as { count: number }).count;
}

test('Samira reads the goal and the place in Arabic, marked, the Dutch a tap away; a second view asks the machine nothing', async ({
  browser,
}, testInfo) => {
  const page = await as(browser, 'parentAr', { viewport: PHONE_360, hasTouch: true });
  await page.goto(`/ar/app/meetings/${UPCOMING}`);
  const goal = page.locator('.meeting-facts .written', { hasText: 'HOE GAAT HET MET REKENEN' });
  await expect(goal.locator('.written__text[lang="ar"]')).toContainText('[ar] HOE GAAT HET MET REKENEN');
  await expect(goal.locator('.written__mark')).toHaveText('ترجمة آلية لم تُراجَع');
  // The Dutch, what counts, one tap away.
  const dutch = goal.locator('.written__source[lang="nl"]');
  await expect(dutch).toBeHidden();
  await goal.locator('summary').tap();
  await expect(dutch).toHaveText(GOAL);
  await expect(page.locator('.meeting-facts .written__text[lang="ar"]', { hasText: 'LOKAAL GROEP 6' })).toBeVisible();
  await expectNoAxeViolations(page);
  await keepScreenshot(page, testInfo, 'meeting-parent-ar-translated-phone');

  const sent = await sentWith(page, GOAL);
  expect(sent).toBeGreaterThanOrEqual(1);
  await page.reload();
  await expect(page.locator('.meeting-facts .written__text[lang="ar"]', { hasText: 'HOE GAAT HET MET REKENEN' })).toBeVisible();
  expect(await sentWith(page, GOAL)).toBe(sent);
  await page.context().close();
});

test('Samira reads the October agreements and who does them in Arabic, marked; the Dutch is what was agreed', async ({
  browser,
}, testInfo) => {
  const page = await as(browser, 'parentAr', { viewport: PHONE_360, hasTouch: true });
  await page.goto(`/ar/app/meetings/${OCTOBER}`);
  // A meeting that was held leads to what was agreed and to feedback; nothing to prepare or print.
  await expect(page.locator('#agreements-title')).toBeVisible();
  await expect(page.locator('a[href$="/calendar.ics"], a[href$="/summary"], a[href*="/prepare/"]')).toHaveCount(0);
  const agreement = page.locator('.agreements li', { hasText: AGREEMENT });
  await expect(agreement.locator('.written__text[lang="ar"]').first()).toContainText('[ar] YUSUF LEEST THUIS ELKE DAG TIEN MINUTEN');
  await expect(agreement.locator('.written__mark').first()).toHaveText('ترجمة آلية لم تُراجَع');
  await expect(agreement.locator('.agreements__who .written__text[lang="ar"]')).toContainText('[ar] OUDERS');
  await agreement.locator('summary').first().tap();
  await expect(agreement.locator('.written__source[lang="nl"]').first()).toHaveText(AGREEMENT);
  await expect(agreement.locator('.written__note').first()).toHaveText(strings('ar', 'common')['written.dutchCounts']!);
  // An evaluation date gone by says so.
  await expect(page.locator('.agreements .tag--muted')).toHaveText(['مضى']);
  await expectNoAxeViolations(page);
  await keepScreenshot(page, testInfo, 'meeting-held-parent-ar-phone');
  const sent = await sentWith(page, AGREEMENT);
  await page.reload();
  await expect(page.locator('.agreements .written__text[lang="ar"]').first()).toBeVisible();
  expect(await sentWith(page, AGREEMENT)).toBe(sent);
  await page.context().close();
});

test('Samira shares her preparation; meester Karim reads her answers in Dutch below her Arabic, marked, and corrects one: checked', async ({
  browser,
}, testInfo) => {
  const parent = await as(browser, 'parentAr', { viewport: PHONE_360 });
  await parent.goto(`/ar/app/meetings/${UPCOMING}`);
  await parent.locator('form:has(input[name=share][value=yes]) button').click();
  await expect(parent.locator('.notice').first()).toBeVisible();
  await parent.context().close();

  const page = await as(browser, 'teacher6');
  await page.goto(`/nl/s/demo/admin/meetings/${UPCOMING}`);
  const answer = page.locator('.prep-card .written', { hasText: ANSWER });
  await expect(answer.locator('.written__text[lang="ar"]')).toHaveText(ANSWER);
  await expect(answer.locator('.written__translation p[lang="nl"]').first()).toHaveText(`[nl] ${ANSWER}`);
  await expect(answer.locator('.written__mark')).toContainText('Automatische vertaling, niet nagekeken');
  await expect(answer.locator('.written__mark')).toContainText('Arabisch');
  await expectNoAxeViolations(page);
  await keepScreenshot(page, testInfo, 'meeting-teacher-nl-translated');

  // Karim (who reads some Arabic) corrects the Dutch: it is then checked.
  await answer.locator('summary', { hasText: 'Vertaling verbeteren' }).click();
  await answer.locator('textarea[name=text]').fill('Hij houdt van voetbal en helpt zijn kleine zus.');
  await answer.getByRole('button', { name: 'Bewaren als nagekeken' }).click();
  await expect(page.locator('.notice').first()).toContainText('nagekeken');
  const corrected = page.locator('.prep-card .written', { hasText: ANSWER });
  await expect(corrected.locator('.written__translation p[lang="nl"]').first()).toHaveText(
    'Hij houdt van voetbal en helpt zijn kleine zus.',
  );
  await expect(corrected.locator('.written__mark--checked')).toContainText('Vertaling nagekeken door de school');

  // A second view asks the machine nothing more.
  const sent = await sentWith(page, ANSWER);
  await page.reload();
  expect(await sentWith(page, ANSWER)).toBe(sent);
  await page.context().close();
});

test('meester Karim reads Samira’s October feedback in Dutch, marked; he corrects an agreement’s Arabic and Samira sees it checked', async ({
  browser,
}) => {
  const page = await as(browser, 'teacher6');
  await page.goto(`/nl/s/demo/admin/meetings/${OCTOBER}`);
  const top = page.locator('.feedback-list .written', { hasText: TOP });
  await expect(top.locator('.written__text[lang="ar"]')).toHaveText(TOP);
  await expect(top.locator('.written__translation p[lang="nl"]').first()).toHaveText(`[nl] ${TOP}`);
  await expect(top.locator('.written__mark')).toContainText('Automatische vertaling, niet nagekeken');
  await expectNoAxeViolations(page);

  // What Samira reads of the agreements: open the Arabic, correct one.
  const forParents = page.locator('details.for-parents', { hasText: 'Arabisch' });
  await forParents.locator('summary').first().click();
  const agreement = forParents.locator('.written', { hasText: AGREEMENT });
  await agreement.locator('summary', { hasText: 'Vertaling verbeteren' }).click();
  await agreement.locator('textarea[name=text]').fill('يقرأ يوسف في البيت عشر دقائق كل يوم، بالعربية أيضًا.');
  await agreement.getByRole('button', { name: 'Bewaren als nagekeken' }).click();
  await expect(page.locator('.notice').first()).toContainText('nagekeken');
  await page.context().close();

  const parent = await as(browser, 'parentAr', { viewport: PHONE_360 });
  await parent.goto(`/ar/app/meetings/${OCTOBER}`);
  const first = parent.locator('.agreements li', { hasText: AGREEMENT });
  await expect(first.locator('.written__text[lang="ar"]').first()).toHaveText('يقرأ يوسف في البيت عشر دقائق كل يوم، بالعربية أيضًا.');
  await expect(first.locator('.written__mark--checked').first()).toHaveText('ترجمة راجعتها المدرسة');
  await parent.context().close();
});

test('interpreters: Karim plans one by phone, Samira reads it in Arabic; Katarzyna asks for one in the request itself; the school sees it still needs one', async ({
  browser,
}, testInfo) => {
  const page = await as(browser, 'teacher6');
  await page.goto(`/nl/s/demo/admin/meetings/${UPCOMING}`);
  // Samira asked for Arabic: the form starts from it.
  await expect(page.locator('#field-interpreterLang')).toHaveValue('ar');
  await page.getByLabel('Via de telefoon').check();
  await page.locator('form:has(#field-time) button[type=submit]').click();
  await expect(page.locator('.notice').first()).toBeVisible();
  await expect(page.locator('.meeting-facts')).toContainText('Arabisch · Via de telefoon');
  await expect(page.locator('.meeting-facts .tag')).toHaveText('nog regelen');
  await page.goto('/nl/s/demo/admin/meetings');
  await expect(page.locator('#interpreter-title')).toBeVisible();
  await expect(page.locator('section:has(#interpreter-title) li', { hasText: 'Yusuf' })).toContainText('tolk (Arabisch): nog regelen');
  await expectNoAxeViolations(page);
  await page.context().close();

  const parent = await as(browser, 'parentAr', { viewport: PHONE_360 });
  await parent.goto(`/ar/app/meetings/${UPCOMING}`);
  await expect(parent.locator('.meeting-facts__interpreter')).toContainText('العربية · عبر الهاتف');
  await parent.context().close();

  const pl = await as(browser, 'parentPl');
  await pl.goto('/pl/app/meetings');
  await pl.locator('textarea[name=reason]').fill('Chciałabym porozmawiać o czytaniu.');
  await pl.locator('select[name=interpreter]').selectOption('pl');
  await pl.locator('form:has(textarea[name=reason]) button[type=submit]').click();
  await expect(pl).toHaveURL(/\/pl\/app\/meetings\/[0-9a-f-]{36}$/);
  await expect(pl.locator('select[name=interpreter]')).toHaveValue('pl');
  await expectNoAxeViolations(pl);
  await keepScreenshot(pl, testInfo, 'meeting-requested-pl');
  await pl.context().close();

  const anna = await as(browser, 'teacher');
  await anna.goto('/nl/s/demo/admin/meetings');
  await expect(anna.locator('section:has(#interpreter-title) li', { hasText: 'Zofia' }).first()).toContainText('Pools');
  await anna.context().close();
});

test.describe('a portal without a translation machine', () => {
  let server: ChildProcess | undefined;
  let dir = '';
  const port = PORT + 2;
  const base = `http://localhost:${port}`;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    dir = mkdtempSync(join(tmpdir(), 'portal-e2e-no-translator-'));
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: 'localhost',
      PORTAL_DATA_DIR: dir,
      PORTAL_DEV_MAILBOX: '1',
      PORTAL_CLIENT_LIMIT_FACTOR: '10',
    };
    for (const key of ['LIBRETRANSLATE_URL', 'LIBRETRANSLATE_API_KEY', 'DEEPL_API_KEY', 'DEEPL_SERVER_URL']) delete env[key];
    server = spawn(process.execPath, ['scripts/serve.mjs'], { env, stdio: 'ignore' });
    for (let i = 0; i < 600; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) return;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the second server did not start');
  });
  test.afterAll(() => {
    server?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signedIn(browser: Browser, email: string): Promise<Page> {
    const context = await browser.newContext({ baseURL: base, viewport: PHONE_360 });
    const page = await context.newPage();
    await signIn(page, email);
    return page;
  }

  test('Samira’s pages show the school’s Dutch and say why, in each language', async ({ browser }, testInfo) => {
    test.setTimeout(120_000);
    const page = await signedIn(browser, DEMO.parentAr);
    for (const lang of LOCALES) {
      await page.goto(`/${lang}/app/meetings/${OCTOBER}`);
      await expect(page.locator('.agreements .written__text[lang="nl"]').first()).toHaveText(AGREEMENT);
      if (lang === 'nl') {
        await expect(page.locator('.written-notice')).toHaveCount(0);
        continue;
      }
      await expect(page.locator('.written-notice')).toHaveText(strings(lang, 'common')['written.offFamily']!);
      await expect(page.locator('.written__mark')).toHaveCount(0);
      if (lang === 'ar' || lang === 'pl') await expectNoAxeViolations(page);
    }
    await keepScreenshot(page, testInfo, 'meeting-held-parent-ar-no-translator');
    await page.context().close();
  });

  test('Karim’s page shows Samira’s Arabic as she wrote it and says why, in each language', async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await signedIn(browser, DEMO.teacher6);
    for (const lang of LOCALES) {
      await page.goto(`/${lang}/s/demo/admin/meetings/${OCTOBER}`);
      await expect(page.locator('.feedback-list .written__text[lang="ar"]', { hasText: TOP })).toBeVisible();
      if (lang === 'ar') {
        await expect(page.locator('.written-notice')).toHaveCount(0);
        continue;
      }
      const sentence = strings(lang, 'common')['written.offSchool']!;
      await expect(page.locator('.written-notice')).toContainText(
        sentence.slice(sentence.indexOf('}}') + 2, sentence.indexOf('}}') + 20).trim(),
      );
      await expect(page.locator('.written__translation')).toHaveCount(0);
      if (lang === 'nl' || lang === 'uk') await expectNoAxeViolations(page);
    }
    await page.context().close();
  });
});
