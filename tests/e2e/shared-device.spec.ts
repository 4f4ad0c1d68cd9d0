import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';
import { authFile, DEMO, signIn } from './helpers.ts';

/**
 * One device, several people (issue 18): the class tablet and a family's phone. What one person
 * typed never reaches the next one's screen, and nothing of it stays in the browser once they
 * are done. Each test is one browser context, as on a real shared device. Class mode is opened
 * by the admin (meester Karim's sign-ins are the needs spec's).
 */

const GROEP_6 = '20000000-0000-4000-8000-000000000006';
const YUSUF_MEETING = '50000000-0000-4000-8000-000000000001';
const ZOFIA_MEETING = '50000000-0000-4000-8000-000000000007';

/** Everything this portal keeps in the browser's storage, as one text. */
const stored = (page: Page) =>
  page.evaluate(() => [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`)).join('\n'));

async function openClassMode(page: Page): Promise<void> {
  await signIn(page, DEMO.admin);
  await page.goto(`/nl/s/demo/admin/classes/${GROEP_6}`);
  await page.getByRole('button', { name: 'Klasmodus aanzetten op dit apparaat' }).click();
  await expect(page).toHaveURL(/\/nl\/class$/);
}

async function pupilSignsIn(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  for (const picture of ['zon', 'kat', 'appel']) await page.getByRole('button', { name: picture, exact: true }).click();
  // (A pupil without a picture chooses one first.)
  await expect(page).toHaveURL(/\/nl\/pupil(\?hello=1|\/avatar)?$/);
}

test.describe('a shared class tablet', () => {
  test("what one pupil wrote is never in the next pupil's box, saved or walked away from", async ({ page }) => {
    test.slow();
    await openClassMode(page);

    // Mehmet writes something private, saves it and taps Klaar.
    await pupilSignsIn(page, 'Mehmet');
    await page.goto('/nl/pupil/words/needs');
    await page.locator('#field-words').fill('MEHMET-PRIVE ik word gepest op het plein');
    await page.getByRole('button', { name: 'Bewaren' }).click();
    await expect(page).toHaveURL(/\/nl\/pupil\/check\/needs$/);
    await page.goto('/nl/pupil');
    await page.getByRole('button', { name: 'Klaar' }).click();
    await expect(page).toHaveURL(/\/nl\/class$/);
    expect(await stored(page)).not.toContain('MEHMET-PRIVE');

    // Fatima, on the same tablet, finds an empty box and no "we restored what you typed".
    await pupilSignsIn(page, 'Fatima');
    await page.goto('/nl/pupil/words/needs');
    await expect(page.locator('#field-words')).toHaveValue('');
    await expect(page.locator('.draft-note')).toHaveCount(0);
    await expectNoAxeViolations(page);

    // Fatima types and walks away without saving or Klaar: the next child opens the class page,
    // which asks who they are (Fatima is signed out), and Fatima's words are gone from the tablet.
    await page.locator('#field-words').fill('FATIMA-PRIVE niet bewaard');
    await page.goto('/nl/class');
    await expect(page.getByRole('link', { name: 'Mehmet', exact: true })).toBeVisible();
    expect(await stored(page)).not.toContain('FATIMA-PRIVE');
    await page.goto('/nl/pupil');
    await expect(page).toHaveURL(/\/nl\/class$/);
    await pupilSignsIn(page, 'Mehmet');
    await page.goto('/nl/pupil/words/needs');
    await expect(page.locator('#field-words')).toHaveValue('MEHMET-PRIVE ik word gepest op het plein');
    await expect(page.locator('.draft-note')).toHaveCount(0);
  });
});

test.describe('the picture code and the drawing on a shared tablet', () => {
  test('a half-drawn drawing stays in the page alone, and neither screen loads React', async ({ page }) => {
    await openClassMode(page);
    // A drawing an earlier build kept in this tablet's tab goes when the next child's session ends.
    await page.evaluate(() => sessionStorage.setItem('portal-drawing:old', '[{"colour":"#c62828","width":9,"points":[[1,1]]}]'));
    await page.getByRole('link', { name: 'Fatima', exact: true }).click();
    // The pad is the server's own form; no framework island on the code screen.
    await expect(page.locator('button[name=pick]')).toHaveCount(9);
    await expect(page.locator('astro-island')).toHaveCount(0);
    for (const picture of ['zon', 'kat', 'appel']) await page.getByRole('button', { name: picture, exact: true }).click();
    await expect(page).toHaveURL(/\/nl\/pupil(\?hello=1|\/avatar)?$/);
    expect(await stored(page)).not.toMatch(/zon|kat|appel|sun|cat|apple|portal-drawing:old/);

    await page.goto('/nl/pupil/draw/needs');
    await expect(page.locator('astro-island')).toHaveCount(0);
    const c = (await page.locator('canvas').boundingBox())!;
    await page.mouse.move(c.x + 40, c.y + 40);
    await page.mouse.down();
    await page.mouse.move(c.x + 200, c.y + 160, { steps: 6 });
    await page.mouse.up();
    await expect(page.getByRole('button', { name: 'Ongedaan maken' })).toBeEnabled();
    // Walked away from without Bewaren: nothing of it in the browser's storage.
    expect(await stored(page)).not.toMatch(/drawing/);
    await page.goto('/nl/class');
    expect(await stored(page)).not.toMatch(/drawing/);
  });
});

test.describe("a child's consent on the tablet", () => {
  test.use({ viewport: { width: 820, height: 1180 } });

  test('"Not yet" takes a "yes" back, and new words wait for the next "yes"; the screen says which', async ({
    page,
    browser,
  }, testInfo) => {
    test.slow();
    await openClassMode(page);
    await pupilSignsIn(page, 'Yusuf');
    const consent = `/nl/pupil/meeting/${YUSUF_MEETING}/consent`;
    const state = page.locator('.consent-state');
    // His mother's view of the meeting and of her data, in a browser of her own.
    const mother = await browser.newContext({ storageState: authFile('parentAr') });
    const motherPage = await mother.newPage();
    const motherSees = async () => {
      await motherPage.goto(`/nl/app/meetings/${YUSUF_MEETING}`);
      const shown = await motherPage.locator('main').innerText();
      await motherPage.goto('/nl/app/my-data');
      const page = await motherPage.locator('main').innerText();
      const file = await (await motherPage.request.get('/nl/app/my-data/download.json')).text();
      // The data page and its file say the same.
      expect(page.includes('YUSUF-')).toBe(file.includes('YUSUF-'));
      return `${shown}\n${page}\n${file}`;
    };

    await page.goto(`/nl/pupil/meeting/${YUSUF_MEETING}/words`);
    await page.locator('textarea[name=words]').fill('YUSUF-EERST ik lees graag');
    await page.getByRole('button', { name: 'Verder', exact: true }).click();
    await expect(page).toHaveURL(/\/consent$/);
    await expect(state).toHaveText('Nu ziet nog niemand anders dit.');
    expect(await motherSees()).not.toContain('YUSUF-EERST');
    await page.getByRole('button', { name: 'Ja, ze mogen het zien' }).click();
    await page.goto(consent);
    await expect(state).toHaveText('Je ouders en je juf of meester kunnen dit nu zien.');
    expect(await motherSees()).toContain('YUSUF-EERST');

    // New words after the "yes": not shown, not even the old ones, until he says yes again.
    await page.goto(`/nl/pupil/meeting/${YUSUF_MEETING}/words`);
    await page.locator('textarea[name=words]').fill('YUSUF-NIEUW na ja');
    await page.getByRole('button', { name: 'Verder', exact: true }).click();
    await expect(state).toHaveText('Nu ziet nog niemand anders dit.');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'consent-not-shared-nl-tablet');
    const afterEdit = await motherSees();
    expect(afterEdit).not.toContain('YUSUF-NIEUW');
    expect(afterEdit).not.toContain('YUSUF-EERST');
    // "Not yet": still nobody else.
    await page.getByRole('button', { name: 'Nog niet' }).click();
    await page.goto(consent);
    await expect(state).toHaveText('Nu ziet nog niemand anders dit.');
    expect(await motherSees()).not.toContain('YUSUF-NIEUW');
    await page.goto(`/ar/pupil/meeting/${YUSUF_MEETING}/consent`);
    await keepScreenshot(page, testInfo, 'consent-not-shared-ar-tablet');
    await motherPage.setViewportSize({ width: 390, height: 844 });
    for (const lang of ['nl', 'ar']) {
      await motherPage.goto(`/${lang}/app/my-data`);
      await expectNoAxeViolations(motherPage);
      await keepScreenshot(motherPage, testInfo, `my-data-${lang}-phone`);
    }
    await mother.close();
  });
});

test.describe("a family's shared phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("one parent's preparation stays off the phone once sent and after signing out", async ({ page }) => {
    test.slow();
    await signIn(page, DEMO.parentAr);
    await page.goto(`/nl/app/meetings/${YUSUF_MEETING}/prepare/6`);
    await page.locator('#field-text').fill('SAMIRA-PRIVE over thuis');
    await page.getByRole('button', { name: 'Verder', exact: true }).click();
    await expect(page).toHaveURL(/\/prepare\/7$/);
    expect(await stored(page)).not.toContain('SAMIRA-PRIVE');
    // Typed again and left unsent (kept on the phone for a dropped network), then signing out.
    await page.goto(`/nl/app/meetings/${YUSUF_MEETING}/prepare/5`);
    await page.locator('#field-text').fill('SAMIRA-NIET-VERSTUURD');
    await page.goto('/nl/app');
    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await expect(page).toHaveURL(/\/nl\/$/);
    const left = await stored(page);
    expect(left).not.toContain('SAMIRA');
    expect(left).not.toContain('portal-prep:');

    await signIn(page, DEMO.parentPl);
    await page.goto(`/nl/app/meetings/${ZOFIA_MEETING}/prepare/5`);
    await expect(page.locator('#field-text')).not.toHaveValue(/SAMIRA/);
    expect(await stored(page)).not.toContain('SAMIRA');
    await expectNoAxeViolations(page);
  });
});
