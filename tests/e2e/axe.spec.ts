import { axeViolations, expect, test } from './fixtures.ts';

// The scan every page test relies on must be able to fail: a page with known WCAG faults.
test('the axe scan finds what is wrong on a page, and only inside the part it is asked about', async ({ page }) => {
  await page.setContent(`<!doctype html><html lang="nl"><head><title>Proef</title></head><body>
    <main>
      <section id="bad">
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        <button></button>
        <p style="color:#bbb;background:#fff">Te licht om te lezen</p>
      </section>
      <section id="good"><h1>Goed</h1><p>Leesbaar.</p></section>
    </main></body></html>`);
  const ids = (await axeViolations(page)).map((v) => v.id).sort();
  expect(ids).toEqual(['button-name', 'color-contrast', 'image-alt']);
  expect(await axeViolations(page, '#good')).toEqual([]);
  // A second scan on the same page reuses the axe already there and finds the same.
  expect((await axeViolations(page, '#bad')).map((v) => v.id).sort()).toEqual(ids);
});
