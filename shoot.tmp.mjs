import { chromium } from '@playwright/test';
import { findChromium } from '/work/wt/i19/scripts/browser.mjs';
const base = 'http://localhost:4511';
const [who, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: (await findChromium()) ?? undefined, args: ['--no-sandbox'] });
async function signIn(ctx, email) {
  const page = await ctx.newPage();
  await page.goto(`${base}/nl/sign-in`);
  await page.fill('#field-email', email);
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/sign-in\/code/);
  const mb = await ctx.newPage();
  await mb.goto(`${base}/dev/mailbox`);
  const body = await mb.locator(`.mail[data-to="${email}"] .mail__body`).first().innerText();
  await mb.close();
  await page.fill('#field-code', /\b(\d{6})\b/.exec(body)[1]);
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/\/app$/);
  await page.close();
}
for (const size of ['phone', 'desktop']) {
  const ctx = await browser.newContext(size === 'phone' ? { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, hasTouch: true } : { viewport: { width: 1366, height: 900 } });
  if (who !== 'anon') await signIn(ctx, who);
  const page = await ctx.newPage();
  for (const p of pages) {
    const [path, media] = p.split('@');
    await page.goto(`${base}${path}`);
    if (media) await page.emulateMedia({ media });
    await page.waitForTimeout(300);
    const name = `${size}-${path.replace(/[^a-z0-9]+/gi, '_')}${media ? '-' + media : ''}.png`;
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    const w = size === 'phone' ? 360 : 1366;
    const step = size === 'phone' ? 1000 : 1000;
    for (let y = 0, n = 0; y < h; y += step, n++) {
      await page.screenshot({ path: `/tmp/i19/shots/${name.replace('.png', `-${n}.png`)}`, fullPage: true, clip: { x: 0, y, width: w, height: Math.min(step, h - y) } });
    }
    console.log(name, h);
    if (media) await page.emulateMedia({ media: 'screen' });
  }
  await ctx.close();
}
await browser.close();
