import type { Browser, Locator, Page, TestInfo } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';
import { authFile, DEMO, signIn } from './helpers.ts';

/**
 * The pages the Ukrainian, Polish and English review cited, on a phone, in the language it read
 * them in: what a native reader noticed is gone and the corrected sentence is there, rendered
 * with a girl's and a boy's name. Each page is scanned with axe and kept as a screenshot
 * (test-results/screenshots/lang-*.png).
 */
const PHONE = { width: 360, height: 740 };
const GROEP_3 = '20000000-0000-4000-8000-000000000003';
const VETERS = '40000000-0000-4000-8000-000000000031';
const HELD = '50000000-0000-4000-8000-000000000005';
const UPCOMING = '50000000-0000-4000-8000-000000000007';
const LINA = '30000000-0000-4000-8000-000000000307';
const TARAS = '30000000-0000-4000-8000-000000000306';

test.use({ viewport: PHONE });

/** The whole page, and the phone's screen with the corrected words on it (…-screen.png). */
async function shoot(page: Page, testInfo: TestInfo, name: string, focus?: Locator): Promise<void> {
  await keepScreenshot(page, testInfo, name);
  if (focus) await focus.first().evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const path = `test-results/screenshots/${name}-screen.png`;
  await page.screenshot({ path });
  await testInfo.attach(`${name}-screen`, { path, contentType: 'image/png' });
}

const pupilRow = (page: Page, name: string) => page.locator('section[aria-labelledby="pupils-title"] tbody tr', { hasText: name }).first();

test.describe('staff pages', () => {
  test.use({ storageState: authFile('admin') });

  for (const [lang, leave, confirmGirl, warningGirl, wrong] of [
    [
      'pl',
      'Odejście ze szkoły',
      'Tak, Zofia odchodzi ze szkoły',
      'Zofia nie będzie już na liście klasy, a logowanie przestanie działać.',
      /mogło|Odszedł|logował\(a\)/,
    ],
    [
      'uk',
      'Вибуття зі школи',
      'Так, Zofia більше не навчається в нашій школі',
      'Zofia більше не буде в класі й не зможе входити на портал.',
      /пішов|Пішов/,
    ],
  ] as const) {
    test(`a pupil who leaves, named without a gender (${lang})`, async ({ page }, testInfo) => {
      await page.goto(`/${lang}/s/demo/admin/classes/${GROEP_3}`);
      for (const name of ['Zofia', 'Taras']) {
        const row = pupilRow(page, name);
        await row.locator('summary', { hasText: leave }).click();
        await expect(row).not.toContainText(wrong);
      }
      const zofia = pupilRow(page, 'Zofia');
      await expect(zofia).toContainText(warningGirl);
      await expect(zofia.getByRole('button', { name: confirmGirl })).toBeVisible();
      await expect(pupilRow(page, 'Taras').getByRole('button', { name: confirmGirl.replace('Zofia', 'Taras') })).toBeVisible();
      await expect(page.locator('section[aria-labelledby="pupils-title"] thead')).not.toContainText(wrong);
      await zofia.scrollIntoViewIfNeeded();
      await shoot(page, testInfo, `lang-${lang}-pupil-leaves`, zofia);
      await expectNoAxeViolations(page);
    });
  }

  test('feedback on meetings is "opinia" in Polish, the 4G headers without a gender', async ({ page }, testInfo) => {
    await page.goto('/pl/s/demo/admin/feedback');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Opinie o rozmowach');
    await expect(page.locator('main')).not.toContainText(/informacj\w* zwrotn|Widziany|Doceniony/);
    await expect(page.locator('main')).toContainText('Zauważenie');
    await shoot(page, testInfo, 'lang-pl-feedback', page.getByText('Zauważenie'));
    await expectNoAxeViolations(page);
  });

  test('booking rounds are "запис на зустрічі" in Ukrainian and "booked a time" in English', async ({ page }, testInfo) => {
    await page.goto('/uk/s/demo/admin/meetings/rounds');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Запис на зустрічі');
    await expect(page.locator('main')).not.toContainText(/[Сс]ері[яюї]/);
    await shoot(page, testInfo, 'lang-uk-rounds', page.getByRole('heading', { level: 1 }));
    await expectNoAxeViolations(page);
    await page.goto('/en/s/demo/admin/meetings/rounds');
    await expect(page.locator('main')).not.toContainText('has no time');
    await expectNoAxeViolations(page);
  });

  test('the circles plan in English: core and extended, not basis and deepened', async ({ page }, testInfo) => {
    await page.goto(`/en/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}/plan`);
    await expect(page.locator('main')).toContainText('Core');
    await expect(page.locator('main')).toContainText('Extended');
    await expect(page.locator('main')).not.toContainText(/Deepened|\bBasis\b|in the basis/);
    await shoot(page, testInfo, 'lang-en-plan', page.getByText('The circles start'));
    await expectNoAxeViolations(page);
  });

  test("Katarzyna's held meeting for staff, in English: what went well, what could be better", async ({ page }, testInfo) => {
    await page.goto(`/en/s/demo/admin/meetings/${HELD}`);
    await expect(page.locator('main')).toContainText('Progress meeting');
    await expect(page.locator('main')).not.toContainText(/Top:|Tip:|Tops and tips/);
    await shoot(page, testInfo, 'lang-en-staff-meeting', page.locator('#feedback-title'));
    await expectNoAxeViolations(page);
  });
});

test.describe("a parent's pages", () => {
  test.use({ storageState: authFile('parentPl') });

  for (const [lang, tookPlace, notStarted] of [
    ['en', 'This meeting has taken place.', 'You have not started preparing yet.'],
    ['uk', 'Ця зустріч уже відбулася.', 'Ви ще не почали підготовку.'],
    ['pl', 'Ta rozmowa już się odbyła.', 'Nie zaczęto jeszcze przygotowania.'],
  ] as const) {
    test(`a held meeting says that it took place and leads to what was agreed, not to the preparation (${lang})`, async ({
      page,
    }, testInfo) => {
      await page.goto(`/${lang}/app/meetings/${HELD}`);
      const held = page.locator('.held-intro');
      await expect(held).toContainText(tookPlace);
      await expect(page.locator('section[aria-labelledby="prep-title"]')).toHaveCount(0);
      await expect(page.locator('main')).not.toContainText(notStarted);
      await expect(page.locator('main')).not.toContainText(
        /Not started yet|Ще не розпочато|Jeszcze nie rozpoczęto|has started|уже почалася|już się rozpoczęła/,
      );
      await shoot(page, testInfo, `lang-${lang}-held-meeting`, held);
      await expectNoAxeViolations(page);
    });
  }

  test('the read-back asks to share only what is filled in; steps are steps (uk)', async ({ page }, testInfo) => {
    // One counter, of the questions (issue 19): the read-back is not one of them.
    await page.goto(`/uk/app/meetings/${UPCOMING}/prepare/1`);
    await expect(page.locator('.prep__step')).toContainText('Запитання 1 з 6');
    await page.goto(`/uk/app/meetings/${UPCOMING}/prepare/7`);
    await expect(page.locator('.prep__step')).toHaveCount(0);
    const empty = await page.getByText('Ще нічого не заповнено.').count();
    const ask = page.getByText('Це те, що ви хочете повідомити школі?', { exact: false });
    // Another test may have filled in this preparation: either way, the question matches what is shown.
    if (empty > 0) await expect(ask).toHaveCount(0);
    else await expect(ask.or(page.getByText('Школа може це прочитати.'))).toHaveCount(1);
    await shoot(page, testInfo, 'lang-uk-read-back', page.locator('h1'));
    await expectNoAxeViolations(page);
  });

  test('who looked at my child\'s data: "Jeszcze nikt", not "Nic nie zapisano" (pl)', async ({ page }, testInfo) => {
    await page.goto('/pl/app/my-data');
    const whoLooked = page.getByRole('heading', { level: 3, name: 'Kto w szkole przeglądał te dane' }).first();
    const next = whoLooked.locator('xpath=following-sibling::*[1]');
    await expect(next).not.toHaveText('Nic nie zapisano.');
    await expect(page.locator('main')).not.toContainText('spotkań');
    await shoot(page, testInfo, 'lang-pl-my-data', whoLooked);
    await expectNoAxeViolations(page);
  });

  test('phrase cards are "Przydatne zwroty" (pl)', async ({ page }, testInfo) => {
    await page.goto('/pl/phrases');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Przydatne zwroty');
    await shoot(page, testInfo, 'lang-pl-phrases');
    await expectNoAxeViolations(page);
  });
});

test.describe('leaflets', () => {
  test('Ukrainian: "Лише українською", and табель before the Dutch rapport', async ({ page }, testInfo) => {
    await page.goto('/uk/s/demo/leaflets/gesprekken-op-school?view=both');
    await expect(page.getByRole('link', { name: 'Лише українською' })).toBeVisible();
    await expect(page.locator('main')).toContainText('зустріч щодо табеля (rapport). Табель — це звіт школи');
    await shoot(page, testInfo, 'lang-uk-leaflet-both', page.getByText('Табель — це звіт школи').first());
    await expectNoAxeViolations(page);
  });

  test('Polish: świadectwo for the rapport, "Tylko po polsku"', async ({ page }, testInfo) => {
    await page.goto('/pl/s/demo/leaflets/gesprekken-op-school?view=both');
    await expect(page.getByRole('link', { name: 'Tylko po polsku' })).toBeVisible();
    await expect(page.locator('main')).toContainText('czyli świadectwie');
    await expect(page.locator('main')).not.toContainText('raport');
    await shoot(page, testInfo, 'lang-pl-leaflet-both', page.getByText('czyli świadectwie').first());
    await expectNoAxeViolations(page);
  });

  test('English: a needs-based approach, not "needs-based working"', async ({ page }, testInfo) => {
    await page.goto('/en/s/demo/leaflets/samen-voor-uw-kind');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('a needs-based approach');
    await expect(page.locator('main')).not.toContainText(/needs-based working|too lively/);
    await shoot(page, testInfo, 'lang-en-leaflet-hgw');
    await expectNoAxeViolations(page);
  });
});

/** A fresh session on its own device (class mode signs that session out). */
async function newDevice(browser: Browser) {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  return { context, page: await context.newPage() };
}

test('a locked pupil and the pupil board: no masculine teacher, no neuter girl (pl, uk)', async ({ browser }, testInfo) => {
  // Class mode, wrong pictures, the teacher's page and the board: a long walk.
  test.slow();
  const device = await newDevice(browser);
  const pupilPage = device.page;
  await signIn(pupilPage, DEMO.coach, 'pl');
  await pupilPage.goto(`/pl/s/demo/admin/classes/${GROEP_3}`);
  await pupilPage.locator('form[action*="classes.openClassMode"] button').click();
  await expect(pupilPage).toHaveURL(/\/pl\/class$/);

  // Lina taps a wrong code five times: locked for a while.
  await pupilPage.getByRole('link', { name: 'Lina' }).tap();
  for (let attempt = 1; attempt <= 5; attempt++) {
    await pupilPage.locator('button[name=pick][value=bike]').tap();
    await pupilPage.locator('button[name=pick][value=bike]').tap();
    await Promise.all([
      pupilPage.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/pl/class/')),
      pupilPage.locator('button[name=pick][value=bike]').tap(),
    ]);
    await expect(pupilPage.getByRole('alert')).toBeVisible();
  }
  await expect(pupilPage.getByRole('alert')).toContainText('poproś nauczyciela o pomoc');
  await shoot(pupilPage, testInfo, 'lang-pl-pupil-locked', pupilPage.getByRole('alert'));
  // "Ask the teacher", with a girl's and a boy's name: no pronoun for the juf.
  for (const [id, name] of [
    [LINA, 'Lina'],
    [TARAS, 'Taras'],
  ] as const) {
    await pupilPage.goto(`/pl/class/${id}?teacher=1`);
    await expect(pupilPage.getByRole('alert')).toContainText(`${name}, poproś nauczyciela o pomoc.`);
    await pupilPage.goto(`/uk/class/${id}?teacher=1`);
    await expect(pupilPage.getByRole('alert')).toContainText(`${name}, попроси вчителя допомогти.`);
    await expect(pupilPage.getByRole('alert')).not.toContainText('Він');
  }
  await shoot(pupilPage, testInfo, 'lang-uk-pupil-ask-teacher', pupilPage.getByRole('alert'));
  await expectNoAxeViolations(pupilPage);

  // The teacher's page: Lina's lock and the button to lift it, without a gender.
  const staff = await browser.newContext({ storageState: authFile('admin'), viewport: PHONE });
  const admin = await staff.newPage();
  await admin.goto(`/pl/s/demo/admin/classes/${GROEP_3}`);
  const row = pupilRow(admin, 'Lina');
  const unlock = row.getByRole('button', { name: 'Odblokuj logowanie: Lina' });
  await expect(unlock).toBeVisible();
  await expect(row).not.toContainText(/spróbowało|zablokowany/);
  await expect(admin.locator('section[aria-labelledby="pupils-title"] thead')).toContainText('Pierwsze logowanie');
  await row.scrollIntoViewIfNeeded();
  await shoot(admin, testInfo, 'lang-pl-unlock', row);
  await expectNoAxeViolations(admin);
  await unlock.click();
  await expect(admin.getByText('Logowanie odblokowane')).toBeVisible();
  await staff.close();

  // Lina signs in; her board speaks to the teacher without a vocative.
  await pupilPage.goto(`/pl/class/${LINA}`);
  for (const picture of ['sun', 'cat', 'apple']) await pupilPage.locator(`button[name=pick][value=${picture}]`).tap();
  await expect(pupilPage).toHaveURL(/\/pl\/pupil(\?hello=1)?$/);
  const tile = pupilPage.locator('a.start-tile', { hasText: 'Dla nauczyciela' });
  await expect(tile).toBeVisible();
  await shoot(pupilPage, testInfo, 'lang-pl-pupil-start');
  await tile.tap();
  await expect(pupilPage.getByRole('heading', { level: 1 })).toContainText('Dla nauczyciela: to mi pomaga');
  await expect(pupilPage.locator('main')).not.toContainText('Drogi nauczycielu');
  await shoot(pupilPage, testInfo, 'lang-pl-pupil-tops');
  await expectNoAxeViolations(pupilPage);
  await pupilPage.goto('/uk/pupil/choose/tops');
  await expect(pupilPage.getByRole('heading', { level: 1 })).toContainText('Для вчителя: ось що мені допомагає');
  await expect(pupilPage.locator('main')).not.toContainText('Дорогий учителю');
  await shoot(pupilPage, testInfo, 'lang-uk-pupil-tops');
  await expectNoAxeViolations(pupilPage);
  await device.context.close();
});
