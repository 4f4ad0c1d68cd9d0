import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/**
 * A school edits a leaflet and its parents keep their languages: the previous translation stays
 * (marked, the new Dutch a tap away), publishing says what is not up to date per language, the
 * translation machine (a fake LibreTranslate server, see playwright.config.ts) translates the
 * changed parts, which show as unchecked until approved; two unsaved edits are never silently
 * dropped; staff see what waits for them in their languages.
 */

const anonymous = { storageState: { cookies: [], origins: [] } };
const TRANSLATOR = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 4399) - 1}`;
const SLUG = 'extra-ondersteuning';
const TITLE = 'Als uw kind extra ondersteuning nodig heeft';
const ADDED = 'Op woensdagmiddag is de bibliotheek van school open voor ouders.';

async function openEditor(page: Page, edit = 'nl'): Promise<string> {
  await page.goto('/nl/s/demo/admin/leaflets');
  await page.getByRole('link', { name: TITLE, exact: true }).click();
  const base = new URL(page.url()).pathname;
  await page.goto(`${base}?edit=${edit}`);
  return base;
}

async function publishConfirmed(page: Page): Promise<void> {
  await page
    .getByRole('button', { name: /nline zetten/ })
    .first()
    .click();
  await expect(page.locator('#publish-confirm')).toBeVisible();
  await page.locator('#publish-confirm').getByRole('button', { name: 'Toch publiceren' }).click();
  await expect(page.locator('.notice').first()).toContainText('staat online');
}

test.describe.configure({ mode: 'serial' });

test.describe('a school edits, its parents keep their languages', () => {
  test.use({ storageState: authFile('admin') });

  test('an edited paragraph keeps its Arabic, marked; publishing first says per language what is behind', async ({
    page,
    browser,
  }, testInfo) => {
    test.slow();
    await openEditor(page);
    const block = page.locator('.editor-block', { has: page.locator('h2', { hasText: /^Tekst$/ }) }).nth(0);
    const text = block.locator('textarea[name=text]');
    const before = await text.inputValue();
    await text.fill(`${before} ${ADDED}`);
    await block.getByRole('button', { name: 'Opslaan' }).click();
    await expect(page.locator('.notice').first()).toContainText('Opgeslagen');

    // Publishing asks first, with the counts per language: one part changed in each of the five.
    await page
      .getByRole('button', { name: /nline zetten/ })
      .first()
      .click();
    const confirm = page.locator('#publish-confirm');
    await expect(confirm).toBeVisible();
    await expect(confirm.locator('tbody tr')).toHaveCount(5);
    await expect(confirm.locator('tbody tr').first().locator('td').first()).toHaveText('1');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'publish-confirm-nl');
    // "Not yet" publishes nothing.
    await confirm.getByRole('link', { name: 'Nog niet publiceren' }).click();
    await expect(page.locator('#publish-confirm')).toHaveCount(0);
    await publishConfirmed(page);

    const parent = await browser.newContext(anonymous);
    const reader = await parent.newPage();
    await reader.goto(`/ar/s/demo/leaflets/${SLUG}`);
    // The paragraph is still in Arabic, with a note and the new Dutch on request.
    await expect(reader.locator('.block--fallback')).toHaveCount(0);
    const note = reader.locator('.changed-note');
    await expect(note).toHaveCount(1);
    await expect(note).toContainText('غيّرت المدرسة النص الهولندي');
    const details = reader.locator('details.changed-dutch');
    await expect(details.locator('[lang="nl"]', { hasText: ADDED })).toBeHidden();
    await details.locator('summary').click();
    await expect(details.locator('[lang="nl"][dir="ltr"]', { hasText: ADDED })).toBeVisible();
    // The footer tells the truth: some parts changed in Dutch after they were translated.
    await expect(reader.locator('.origin-labels')).toContainText('تغيّرت بعض الأجزاء');
    await expectNoAxeViolations(reader);
    await keepScreenshot(reader, testInfo, 'reader-ar-changed');
    await parent.close();
  });

  test('the machine translates the changed parts into all five languages; unchecked until approved', async ({ page, browser }) => {
    test.slow();
    const base = await openEditor(page);
    await page.getByRole('button', { name: 'Vertaal de veranderde stukken in alle vijf talen' }).click();
    await expect(page.locator('.notice').first()).toContainText('Automatisch vertaald');
    await page.goto(`${base}?edit=ar`);
    const block = page.locator('.editor-block', { hasText: ADDED });
    await expect(block.locator('.tag--machine')).toContainText('automatisch vertaald');
    await expect(block.locator('textarea[name=text]')).toHaveValue(/\[ar\]/);
    await publishConfirmed(page);

    const parent = await browser.newContext(anonymous);
    const reader = await parent.newPage();
    await reader.goto(`/ar/s/demo/leaflets/${SLUG}`);
    await expect(reader.locator('.changed-note')).toHaveCount(0);
    await expect(reader.locator('.block--machine')).toHaveCount(1);
    await expect(reader.locator('.block--machine .machine-note')).toBeVisible();

    // Someone who reads Arabic approves it: the mark is gone from the next version.
    await page.goto(`${base}?edit=ar`);
    await page.locator('.editor-block', { hasText: ADDED }).getByRole('button', { name: 'Nagekeken: de vertaling klopt' }).click();
    await expect(page.locator('.notice').first()).toContainText('agekeken');
    await publishConfirmed(page);
    await reader.reload();
    await expect(reader.locator('.block--machine')).toHaveCount(0);
    await parent.close();
  });

  test('a failing translation machine says so in the editor’s language and changes nothing', async ({ page, request }) => {
    const base = await openEditor(page);
    // A new Dutch edit, then the machine answers "quota exceeded".
    const block = page.locator('.editor-block', { has: page.locator('h2', { hasText: /^Tekst$/ }) }).nth(1);
    const text = block.locator('textarea[name=text]');
    await text.fill(`${await text.inputValue()} Nog een zin.`);
    await block.getByRole('button', { name: 'Opslaan' }).click();
    await expect(page.locator('.notice').first()).toContainText('Opgeslagen');
    await request.post(`${TRANSLATOR}/__mode`, { data: { mode: 'quota' } });
    try {
      await page.getByRole('button', { name: 'Vertaal de veranderde stukken in alle vijf talen' }).click();
      await expect(page.locator('.error-summary')).toContainText('limiet bereikt');
      await page.goto(`${base}?edit=pl`);
      await expect(page.locator('.editor-block', { hasText: 'Nog een zin.' }).locator('.tag.status-outdated')).toBeVisible();
    } finally {
      await request.post(`${TRANSLATOR}/__mode`, { data: { mode: 'ok' } });
    }
  });

  test('saving one part while another has unsaved changes asks first; the other text is kept', async ({ page }) => {
    await openEditor(page);
    const blocks = page.locator('.editor-block', { has: page.locator('h2', { hasText: /^Tussenkop$/ }) });
    const first = blocks.nth(0).locator('input[name=text]');
    const second = blocks.nth(1).locator('input[name=text]');
    const secondBefore = await second.inputValue();
    await first.fill(`${await first.inputValue()}!`);
    await second.fill('Een kop die ik nog niet heb opgeslagen');

    let asked = '';
    page.once('dialog', async (dialog) => {
      asked = dialog.message();
      await dialog.dismiss();
    });
    await blocks.nth(0).getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => asked).toContain('ander stuk');
    // Dismissed: nothing was sent, both texts are still there.
    await expect(second).toHaveValue('Een kop die ik nog niet heb opgeslagen');

    page.once('dialog', (dialog) => dialog.accept());
    await blocks.nth(0).getByRole('button', { name: 'Opslaan' }).click();
    await expect(page.locator('.notice').first()).toContainText('Opgeslagen');
    // The other part's text came back from this device, marked, and can be saved or thrown away.
    await expect(second).toHaveValue('Een kop die ik nog niet heb opgeslagen');
    await expect(blocks.nth(1).locator('.draft-note')).toBeVisible();
    await blocks.nth(1).locator('[data-discard]').click();
    await expect(second).toHaveValue(secondBefore);
  });

  test('in the Arabic edit box a Dutch school word stays readable, isolated; it is stored without the marks', async ({ page }) => {
    const base = await openEditor(page, 'ar');
    const block = page.locator('.editor-block', { has: page.locator('h2', { hasText: /^Tekst$/ }) }).nth(2);
    const box = block.locator('textarea[name=text]');
    const typed = 'في [[nl:groep 5]] يتعلّم طفلك الكثير.';
    await box.fill(typed);
    await block.getByRole('button', { name: /Opslaan|Vertaling/ }).click();
    await expect(page.locator('.notice').first()).toContainText('Opgeslagen');
    // Shown again: the term sits between isolates, so its brackets stay in order in Arabic.
    await expect(box).toHaveValue('في \u2066[[nl:groep 5]]\u2069 يتعلّم طفلك الكثير.');
    // Saved again as it is shown: stored without the marks, and the reader gets the term marked as Dutch.
    await block.getByRole('button', { name: /Opslaan|Vertaling/ }).click();
    await expect(page.locator('.notice').first()).toContainText('Opgeslagen');
    await page.goto(`${base}/preview?show=ar`);
    const term = page.locator('.dutch-term[lang="nl"]', { hasText: 'groep 5' });
    await expect(term).toHaveCount(1);
    expect(await page.locator('.leaflet').innerHTML()).not.toContain('\u2066');
  });

  test('staff say which languages they translate; their start page lists what waits, per leaflet and language', async ({
    page,
  }, testInfo) => {
    await page.goto('/nl/app/account');
    await page.getByRole('checkbox', { name: 'العربية' }).check();
    await page.getByRole('checkbox', { name: 'Polski' }).check();
    await page
      .locator('form', { has: page.locator('input[name=translates]') })
      .getByRole('button')
      .click();
    await expect(page.locator('.notice').first()).toContainText('vertaaltalen');
    await expect(page.getByRole('checkbox', { name: 'Polski' })).toBeChecked();
    await page.goto('/nl/s/demo/admin');
    const list = page.locator('.to-translate');
    await expect(list.getByRole('heading', { name: 'Te vertalen' })).toBeVisible();
    const row = list.locator('tbody tr', { hasText: TITLE }).filter({ hasText: 'Polski' });
    await expect(row).toHaveCount(1);
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'to-translate-nl');
    await row.getByRole('link').click();
    await expect(page).toHaveURL(/edit=pl/);
  });
});
