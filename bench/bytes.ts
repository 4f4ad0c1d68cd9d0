// The JavaScript each kind of page makes a browser load, signed in as the person who opens it:
// every script the page loads (islands, their renderer, plain scripts, what they import, and the
// scripts Astro puts in the page itself), raw
// and gzipped, as a phone on a slow connection would fetch it. Run after a build:
//   node bench/bytes.ts      (npm run bench:bytes builds first)
// Prints a table; asserts nothing. Environment: PORT (4634), BENCH_VERBOSE, BENCH_JSON (a file
// to write the rows to, for bench/all.ts). Aims: ≤ 15 KB gzipped on a pupil's screens and a
// preparation step.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';
import { findChromium } from '../scripts/browser.mjs';

const PORT = Number(process.env.PORT ?? 4634);
const origin = `http://localhost:${PORT}`;
const GROEP_6 = '20000000-0000-4000-8000-000000000006';
const ZOFIA_MEETING = '50000000-0000-4000-8000-000000000007';
const AIM_KB = 15;

const dataDir = mkdtempSync(join(tmpdir(), 'portal-bench-bytes-'));
const server: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs'], {
  env: { ...process.env, PORT: String(PORT), HOST: 'localhost', PORTAL_DATA_DIR: dataDir, PORTAL_DEV_MAILBOX: '1' },
  stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
});
process.on('exit', () => {
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${origin}/healthz`)).ok) break;
  } catch {
    // not yet
  }
  if (i > 600) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const executablePath = (await findChromium(process.env)) ?? undefined;
const browser: Browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}) });

interface Row {
  kind: string;
  who: string;
  path: string;
  files: number;
  raw: number;
  gz: number;
}
const rows: Row[] = [];

/** Opens `path` and counts every script response until the page is idle. */
async function measure(page: Page, kind: string, who: string, path: string): Promise<void> {
  const seen = new Map<string, Buffer>();
  const onResponse = async (response: import('@playwright/test').Response) => {
    if (response.request().resourceType() !== 'script') return;
    try {
      seen.set(response.url(), await response.body());
    } catch {
      // a redirect or an aborted request carries no body
    }
  };
  page.on('response', onResponse);
  await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
  // Islands that load when seen: bring the whole page into view once.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForLoadState('networkidle');
  page.off('response', onResponse);
  // Scripts small enough for Astro to put in the page itself count too (one entry per page).
  const inline = await page.evaluate(() =>
    Array.from(document.querySelectorAll('script:not([src])'))
      .filter((s) => !/json/.test(s.getAttribute('type') ?? ''))
      .map((s) => s.textContent ?? '')
      .join('\n'),
  );
  const bodies = [...seen.values(), ...(inline.trim() ? [Buffer.from(inline)] : [])];
  rows.push({
    kind,
    who,
    path: new URL(page.url()).pathname,
    files: bodies.length,
    raw: bodies.reduce((n, b) => n + b.length, 0),
    gz: bodies.reduce((n, b) => n + gzipSync(b).length, 0),
  });
}

async function signedIn(email: string, lang = 'nl'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: origin });
  const page = await context.newPage();
  await page.goto(`/${lang}/sign-in`);
  await page.locator('#field-email').fill(email);
  await page.locator('form.form button[type=submit]').click();
  await page.waitForURL(new RegExp(`/${lang}/sign-in/code$`));
  const mailbox = await context.newPage();
  await mailbox.goto('/dev/mailbox');
  const body = await mailbox.locator(`.mail[data-to="${email}"][data-kind="sign_in"] .mail__body`).first().textContent();
  await mailbox.close();
  await page.locator('#field-code').fill(/\b(\d{6})\b/.exec(body ?? '')?.[1] ?? '');
  await page.locator('form.form button[type=submit]').click();
  await page.waitForURL(new RegExp(`/${lang}/app$`));
  return { context, page };
}
const hrefOf = async (page: Page, selector: string) =>
  new URL((await page.locator(selector).first().getAttribute('href')) ?? '/', origin).pathname;

// Anyone: the home page and the leaflets a school's parents read.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  await measure(page, 'home page', 'anyone', '/nl/');
  await measure(page, 'leaflet list', 'anyone', '/nl/s/demo/leaflets');
  const leaflet = await hrefOf(page, 'a[href*="/leaflets/"]');
  await measure(page, 'leaflet', 'anyone', leaflet);
  await context.close();
}

// A parent preparing a meeting (Polish), and their start page.
{
  const { context, page } = await signedIn('katarzyna@ouders.example', 'pl');
  await measure(page, 'parent start page', 'parent', '/pl/app');
  await measure(page, 'preparation, first screen', 'parent', `/pl/app/meetings/${ZOFIA_MEETING}/prepare/0`);
  await measure(page, 'preparation step (a question)', 'parent', `/pl/app/meetings/${ZOFIA_MEETING}/prepare/1`);
  await measure(page, 'preparation, read back', 'parent', `/pl/app/meetings/${ZOFIA_MEETING}/prepare/7`);
  await context.close();
}

// A teacher: the class, a round, the circles plan; and class mode for a pupil after.
{
  const { context, page } = await signedIn('meester.karim@regenboog.example');
  await measure(page, 'teacher start page', 'teacher', '/nl/app');
  await measure(page, 'class page', 'teacher', `/nl/s/demo/admin/classes/${GROEP_6}`);
  const round = await hrefOf(page, `a[href*="/classes/${GROEP_6}/rounds/"]`);
  await measure(page, 'round overview', 'teacher', round);
  await measure(page, 'circles plan', 'teacher', `${round}/plan`);

  // Class mode on this device, then a pupil signs in with their picture code.
  await page.goto(`/nl/s/demo/admin/classes/${GROEP_6}`);
  await page.getByRole('button', { name: 'Klasmodus aanzetten op dit apparaat' }).click();
  await page.waitForURL(/\/nl\/class$/);
  await measure(page, 'class mode: names', 'pupil', '/nl/class');
  await page.getByRole('link', { name: 'Sem' }).click();
  await page.waitForLoadState('networkidle');
  await measure(page, 'class mode: picture code', 'pupil', new URL(page.url()).pathname);
  for (const picture of ['zon', 'kat', 'appel']) await page.getByRole('button', { name: picture, exact: true }).click();
  await page.waitForURL(/\/nl\/pupil(\?hello=1)?$/);
  for (const [kind, path] of [
    ['pupil: start', '/nl/pupil'],
    ['pupil: goal', '/nl/pupil/goal'],
    ['pupil: choose needs', '/nl/pupil/choose/needs'],
    ['pupil: check', '/nl/pupil/check/needs'],
    ['pupil: own words', '/nl/pupil/words/teacher'],
    ['pupil: drawing', '/nl/pupil/draw/needs'],
  ] as const) {
    await measure(page, kind, 'pupil', path);
  }
  await context.close();
}

// The school's admin: the school view and the groepsbespreking.
{
  const { context, page } = await signedIn('directie@regenboog.example');
  await measure(page, 'school view', 'admin', '/nl/s/demo/admin/needs');
  await measure(page, 'groepsbespreking', 'admin', '/nl/s/demo/admin/group-discussion');
  await measure(page, 'leaflets (admin)', 'admin', '/nl/s/demo/admin/leaflets');
  await context.close();
}
await browser.close();

const kb = (n: number) => (n / 1024).toFixed(1).padStart(6);
console.log('JavaScript a page makes the browser load (all scripts, after scrolling it through once)');
console.log(
  `${'page kind'.padEnd(32)} ${'who'.padEnd(8)} files     raw KB   gzip KB   (files: scripts fetched, plus 1 for scripts in the page)`,
);
for (const r of rows) {
  const aimed = r.who === 'pupil' || r.kind.startsWith('preparation');
  const mark = aimed ? (r.gz / 1024 <= AIM_KB ? `   aim ≤ ${AIM_KB} KB gz: met` : `   aim ≤ ${AIM_KB} KB gz: NOT met`) : '';
  console.log(`${r.kind.padEnd(32)} ${r.who.padEnd(8)} ${String(r.files).padStart(5)}  ${kb(r.raw)}    ${kb(r.gz)}${mark}`);
}
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(rows));
process.exit(0);
