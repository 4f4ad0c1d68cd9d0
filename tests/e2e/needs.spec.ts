import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';
import { authFile, DEMO, signIn, spoken, stubSpeech } from './helpers.ts';

/**
 * Pupils' needs as the people who use them, in Groep 6 (meester Karim's, whose sign-ins no other
 * spec uses): a pupil on a class tablet (touch), a parent reading their child's choices in
 * Arabic, the teacher with the demo's open round, the coach's school view. Serial: the pupil
 * answers, the parent reads, then the teacher closes the round.
 */
test.describe.configure({ mode: 'serial' });

const GROEP_6 = '20000000-0000-4000-8000-000000000006';
const TAFELS = '40000000-0000-4000-8000-000000000061';

async function openClassMode(page: Page): Promise<void> {
  await signIn(page, DEMO.teacher6);
  await page.goto(`/nl/s/demo/admin/classes/${GROEP_6}`);
  await page.getByRole('button', { name: 'Klasmodus aanzetten op dit apparaat' }).click();
  await expect(page).toHaveURL(/\/nl\/class$/);
}

async function signInAsPupil(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name }).tap();
  for (const picture of ['zon', 'kat', 'appel']) await page.getByRole('button', { name: picture, exact: true }).tap();
  await expect(page).toHaveURL(/\/nl\/pupil(\?hello=1)?$/);
}

test.describe('a pupil on a class tablet', () => {
  test.use({ viewport: { width: 820, height: 1180 }, hasTouch: true });

  test('chooses what helps, hears a label, draws, confirms and changes an answer', async ({ page }, testInfo) => {
    test.slow();
    await stubSpeech(page, ['nl-NL', 'en-GB', 'ar-SA', 'uk-UA', 'pl-PL', 'tr-TR']);
    await openClassMode(page);
    // Each name has the pupil's own picture beside it; no adult control is one tap away.
    await expect(page.getByRole('link', { name: 'Liam' }).locator('svg')).toBeVisible();
    await expect(page.locator('.lang-switcher')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Klasmodus uitzetten' })).toHaveCount(0);
    await signInAsPupil(page, 'Liam');

    // The start screen speaks its instruction when it opens.
    await expect.poll(() => spoken(page)).toContain('Wat wil je doen? Tik op een plaatje.');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Ik leer het best…' }).tap();

    // The goal first: where am I?
    await expect(page).toHaveURL(/\/nl\/pupil\/goal$/);
    await expect(page.getByText('De tafels van 3 en 4')).toBeVisible();
    await page.getByText('Ik kan het bijna', { exact: true }).tap();
    await page.getByRole('button', { name: 'Verder', exact: true }).tap();

    // The board: big cards, several chosen, one undone; every card can be heard.
    await expect(page).toHaveURL(/\/nl\/pupil\/choose\/needs$/);
    const card = (label: string) => page.locator('label.choice-card', { hasText: label });
    const box = await card('als ik meer tijd krijg').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(64);
    expect(box!.height).toBeGreaterThanOrEqual(64);
    await card('als ik het op een plaatje zie').tap();
    await card('samen in een groepje').tap();
    await card('als ik meer tijd krijg').tap();
    await card('samen in een groepje').tap();
    await expect(card('samen in een groepje').locator('input')).not.toBeChecked();
    await page.getByRole('button', { name: 'Luister: als ik meer tijd krijg' }).tap();
    await expect.poll(() => spoken(page)).toContain('als ik meer tijd krijg');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'needs-board-nl-tablet');
    await page.getByRole('button', { name: 'Verder', exact: true }).tap();

    // "This is what you chose", as pictures.
    await expect(page).toHaveURL(/\/nl\/pupil\/check\/needs$/);
    const chosen = page.locator('.chosen').filter({ hasText: 'Ik leer het best' });
    await expect(chosen.locator('li')).toHaveText(['als ik het op een plaatje zie', 'als ik meer tijd krijg']);
    await expect(chosen.locator('li svg')).toHaveCount(2);

    // A drawing: stored, and shown back.
    await page.getByRole('link', { name: 'Tekenen' }).tap();
    const canvas = page.locator('canvas');
    await expect(canvas).toBeVisible();
    const c = (await canvas.boundingBox())!;
    await page.mouse.move(c.x + 60, c.y + 60);
    await page.mouse.down();
    await page.mouse.move(c.x + 220, c.y + 180, { steps: 8 });
    await page.mouse.move(c.x + 320, c.y + 80, { steps: 8 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Bewaren', exact: true }).tap();
    await expect(page).toHaveURL(/\/nl\/pupil\/check\/needs$/);
    const drawing = page.getByRole('img', { name: 'Tekening van Liam' });
    await expect(drawing).toBeVisible();
    // Under its own heading, not "In je eigen woorden" (walk).
    await expect(page.locator('section', { has: drawing }).getByRole('heading')).toHaveText('Jouw tekening');
    expect(await drawing.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);

    // Change an answer: the board comes back as chosen.
    await page.getByRole('link', { name: 'Veranderen' }).nth(1).tap();
    await expect(card('als ik het op een plaatje zie').locator('input')).toBeChecked();
    await card('als ik meer tijd krijg').tap();
    await card('alleen, met een koptelefoon op').tap();
    await page.getByRole('button', { name: 'Verder', exact: true }).tap();
    await expect(chosen.locator('li')).toHaveText(['als ik het op een plaatje zie', 'alleen, met een koptelefoon op']);
    await keepScreenshot(page, testInfo, 'needs-check-nl-tablet');
    await page.getByRole('link', { name: 'Dit klopt', exact: true }).tap();
    await expect(page).toHaveURL(/\/nl\/pupil\?thanks=1$/);
    await expect.poll(() => spoken(page)).toContain('Dankjewel! Je juf of meester ziet wat je gekozen hebt.');

    // Done hands the device on; Back never reaches Liam's page or the adults' sign-in.
    await page.getByRole('button', { name: 'Klaar', exact: true }).tap();
    await expect(page).toHaveURL(/\/nl\/class$/);
    await page.goBack();
    await expect(page).toHaveURL(/\/nl\/class$/);
    await expect(page.getByRole('heading', { name: 'Tik op je naam' })).toBeVisible();
  });

  test('every pupil page passes axe in Dutch and Arabic; an unknown pictogram or another class’s round is refused with a sentence', async ({
    page,
  }) => {
    // Fourteen pages through axe; the other four languages over HTTP (tests/http/languages.test.ts).
    test.setTimeout(120_000);
    await openClassMode(page);
    await signInAsPupil(page, 'Sem');
    for (const lang of ['nl', 'ar']) {
      for (const path of [
        'pupil',
        'pupil/goal',
        'pupil/choose/needs',
        'pupil/choose/tops',
        'pupil/check/needs',
        'pupil/words/teacher',
        'pupil/draw/needs',
      ]) {
        await page.goto(`/${lang}/${path}`);
        await expect(page).toHaveURL(new RegExp(`/${lang}/${path}$`));
        await expect(page.locator('html')).toHaveAttribute('dir', lang === 'ar' ? 'rtl' : 'ltr');
        await expectNoAxeViolations(page);
      }
    }
    await page.goto('/nl/pupil/choose/needs');
    const group = page.locator('label.choice-card', { hasText: 'samen in een groepje' }).locator('input');
    await page.locator('label.choice-card', { hasText: 'samen in een groepje' }).tap();
    await page.locator('input[value="look"]').evaluate((el: HTMLInputElement) => {
      el.value = 'dance';
      el.checked = true;
    });
    await page.getByRole('button', { name: 'Verder', exact: true }).tap();
    await expect(page.getByRole('alert')).toContainText('Dat plaatje staat niet op het bord');
    // What was chosen and known stays chosen.
    await expect(group).toBeChecked();
    await page.locator('input[name=round]').evaluate((el: HTMLInputElement) => {
      el.value = '40000000-0000-4000-8000-000000000031'; // Groep 3's round
    });
    await page.getByRole('button', { name: 'Verder', exact: true }).tap();
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('the adult controls are behind the teacher’s own PIN, not a sum a Groep 6 pupil can do; wrong PINs are counted (walk)', async ({
    page,
  }) => {
    await signIn(page, DEMO.teacher6);
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_6}`);
    // A PIN a child would guess first is refused, with the reason; the teacher is still here.
    await page.getByLabel(/Pincode voor de instellingen/).fill('1234');
    await page.getByRole('button', { name: 'Klasmodus aanzetten op dit apparaat' }).click();
    await expect(page.locator('.field__error')).toContainText('niet op een rij');
    await page.getByLabel(/Pincode voor de instellingen/).fill('2580');
    await page.getByRole('button', { name: 'Klasmodus aanzetten op dit apparaat' }).click();
    await expect(page).toHaveURL(/\/nl\/class$/);
    await page.goto('/nl/pupil/choose/needs');
    await expect(page).toHaveURL(/\/nl\/class$/);
    await page.getByRole('link', { name: 'Voor de leerkracht' }).click();
    // No sum to work out: the teacher's PIN, or her own sign-in.
    await expect(page.getByText(/Hoeveel is/)).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Klasmodus uitzetten' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Inloggen' })).toHaveAttribute('href', /sign-in\?next=%2Fnl%2Fclass%2Fteacher/);
    await page.getByLabel('Pincode', { exact: true }).fill('1111');
    await page.getByRole('button', { name: 'Openen' }).click();
    await expect(page.locator('.field__error')).toContainText('nog 4 keer');
    // A reload shows the refusal again without counting another try.
    await page.reload();
    await expect(page.locator('.field__error')).toContainText('nog 4 keer');
    await page.getByLabel('Pincode', { exact: true }).fill('0000');
    await page.getByRole('button', { name: 'Openen' }).click();
    await expect(page.locator('.field__error')).toContainText('nog 3 keer');
    // Arabic-Indic digits, as a phone may type them.
    await page.getByLabel('Pincode', { exact: true }).fill('٢٥٨٠');
    await page.getByRole('button', { name: 'Openen' }).click();
    await expect(page.getByRole('button', { name: 'Klasmodus uitzetten' })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.locator('button[name=locale][value=ar]').click();
    await expect(page).toHaveURL(/\/ar\/class$/);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  });
});

test.describe('a parent', () => {
  test("sees their child's choices with labels in Arabic, and nothing of other pupils", async ({ page }, testInfo) => {
    await signIn(page, DEMO.parentAr, 'ar');
    const yusuf = page.locator('.card', { hasText: 'Yusuf' });
    await expect(yusuf.locator('.child-needs li')).toHaveCount(3);
    await expect(yusuf.locator('.child-needs')).toContainText('وقت أطول');
    await expect(yusuf.locator('.child-needs')).toContainText('De tafels van 3 en 4');
    // Sara has not answered yet; no other pupil's name appears.
    await expect(page.locator('.card', { hasText: 'Sara' }).locator('.child-needs')).not.toContainText('Emma');
    await expect(page.locator('body')).not.toContainText('Oleksandr');
    await expectNoAxeViolations(page);
    await page.setViewportSize(PHONE);
    await keepScreenshot(page, testInfo, 'parent-needs-ar-phone');
  });
});

test.describe('the teacher of Groep 6', () => {
  test('reads the overview, moves a pupil by keyboard, prints the plan, closes the round and opens a new one', async ({
    page,
  }, testInfo) => {
    test.slow();
    await signIn(page, DEMO.teacher6);
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_6}/rounds/${TAFELS}`);
    await expect(page.getByRole('heading', { level: 1, name: 'De tafels van 3 en 4' })).toBeVisible();
    // Eight answered in the demo, and Liam just now.
    await expect(page.getByText('9 van de 10 leerlingen hebben geantwoord.')).toBeVisible();
    const row = (need: string) => page.locator('tbody tr', { hasText: need });
    await expect(row('Kijken naar een plaatje')).toContainText('8');
    await expect(row('Kijken naar een plaatje')).toContainText('Basis');
    await expect(row('Meer tijd')).toContainText('Subgroep');
    await expect(row('Meer uitleg')).toContainText('Per leerling');
    await expect(page.getByText('Nog niet geantwoord (1):')).toBeVisible();
    await expect(page.locator('#needs-title ~ p', { hasText: 'Nog niet geantwoord' })).toContainText('Nour');
    await expect(page.locator('.notice', { hasText: 'twee derde' })).toBeVisible();
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'round-overview-nl');

    // The plan: Oleksandr ("not yet") starts in intensive; moved by keyboard to the basis.
    await page.getByRole('link', { name: 'Plannen in cirkels' }).click();
    const select = page.getByLabel('Cirkel voor Oleksandr');
    await expect(select).toHaveValue(/:intensive$/);
    // The circles are an island: keys pressed before it has hydrated move the select, not the plan.
    await expect(page.locator('astro-island[ssr]')).toHaveCount(0);
    await select.focus();
    await page.keyboard.press('ArrowUp');
    await expect(select).toHaveValue(/:basis$/);
    await expect(page.getByRole('status')).toContainText('Oleksandr staat nu in de cirkel Basis');
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Plan bewaren' }).click();
    await expect(page.getByText('Het plan is bewaard.')).toBeVisible();
    await expect(page.getByLabel('Cirkel voor Oleksandr')).toHaveValue(/:basis$/);
    await expect(page.locator('svg.plan__picture text', { hasText: 'Oleksandr' })).toBeVisible();

    // Printed: the picture with every name, without the controls, on one A4 page.
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('svg.plan__picture')).toBeVisible();
    await expect(page.getByLabel('Cirkel voor Oleksandr')).toBeHidden();
    await expect(page.locator('.site-header')).toBeHidden();
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    await keepScreenshot(page, testInfo, 'plan-print-nl');
    await page.emulateMedia({ media: 'screen' });

    // Close the round; a new one, with no goal.
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_6}/rounds/${TAFELS}`);
    await page.locator('summary', { hasText: 'Ronde sluiten' }).click();
    await page.getByRole('button', { name: 'Ja, ronde sluiten' }).click();
    await expect(page.getByText('De ronde is gesloten.')).toBeVisible();
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_6}`);
    await page.getByRole('button', { name: 'Ronde openen' }).click();
    await expect(page.getByText('De ronde is open.')).toBeVisible();
    await expect(page.getByText('0 van de 10 leerlingen hebben geantwoord.')).toBeVisible();
    // Compared with the round before.
    await page.getByLabel('Ronde', { exact: true }).selectOption({ label: 'De tafels van 3 en 4' });
    await page.getByRole('button', { name: 'Vergelijken' }).click();
    // Shares of those who answered, not counts: the new round has no answers yet, so no change to show.
    const compared = page.locator('table', { hasText: 'Verschil in procentpunten' }).locator('tr', { hasText: 'Kijken naar een plaatje' });
    await expect(compared.locator('td').first()).toContainText(/\d+\s?%/);
    await expect(compared.locator('td').last()).toHaveText('—');
  });
});

test.describe('the coach', () => {
  test.use({ storageState: authFile('coach') });

  test('her overview names her role with the Dutch word marked, never a raw [[nl:…]] tag (walk)', async ({ page }) => {
    for (const lang of ['nl', 'ar', 'en']) {
      await page.goto(`/${lang}/app`);
      await expect(page.locator('body')).not.toContainText('[[');
      await expect(page.locator('.tag [lang=nl]', { hasText: 'intern begeleider' }).first()).toBeVisible();
    }
  });

  test('sees the school view: counts only, fewer than 5 hidden, no names', async ({ page }) => {
    await page.goto('/nl/s/demo/admin/needs');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.locator('td', { hasText: 'minder dan 5' }).first()).toBeVisible();
    await expect(page.locator('body')).not.toContainText('Oleksandr');
    await expectNoAxeViolations(page);
  });
});

test.describe('voices', () => {
  test.use({ storageState: authFile('admin') });
  test('the teacher sees which labels still lack a voice, per language', async ({ page }) => {
    await page.goto('/nl/s/demo/admin/voices?in=ar');
    await expect(page.locator('.voice-langs a', { hasText: 'العربية' })).toContainText('33');
    await expect(page.locator('.voice-list__item')).toHaveCount(33);
    await expect(page.locator('.voice-list__item').first()).toContainText('عندما أراه في صورة');
    await expectNoAxeViolations(page);
  });

  test('after saving a recording far down the list, the page comes back at that text, not at the top (walk)', async ({ page }) => {
    await page.goto('/nl/s/demo/admin/voices?in=tr');
    const items = page.locator('.voice-list__item');
    const twentieth = items.nth(19);
    const id = await twentieth.getAttribute('id');
    const fields = Object.fromEntries(
      await twentieth
        .locator('input[type=hidden]')
        .evaluateAll((inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value])),
    );
    const action = await twentieth.locator('form').getAttribute('action');
    // A second of silence as a WAV file, as the recorder would send it.
    const samples = 8000;
    const wav = Buffer.alloc(44 + samples);
    wav.write('RIFF', 0);
    wav.writeUInt32LE(36 + samples, 4);
    wav.write('WAVEfmt ', 8);
    wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20);
    wav.writeUInt16LE(1, 22);
    wav.writeUInt32LE(8000, 24);
    wav.writeUInt32LE(8000, 28);
    wav.writeUInt16LE(1, 32);
    wav.writeUInt16LE(8, 34);
    wav.write('data', 36);
    wav.writeUInt32LE(samples, 40);
    wav.fill(128, 44);
    const origin = new URL(page.url()).origin;
    const response = await page.request.post(new URL(action!, page.url()).href, {
      multipart: { ...fields, audio: { name: 'stem.wav', mimeType: 'audio/wav', buffer: wav } },
      headers: { origin },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(303);
    const location = response.headers().location!;
    expect(location).toMatch(new RegExp(`#${id}$`));
    // Where the browser lands after the post (a new load, not a jump within the page it was on).
    await page.goto('about:blank');
    await page.goto(new URL(location, origin).href);
    await expect(page.locator(`#${id} .tag--ok`)).toBeVisible();
    await expect(page.locator(`#${id}`)).toBeInViewport();
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
    // Removing it comes back to the same place.
    await page.locator(`#${id}`).getByRole('button', { name: 'Verwijderen' }).click();
    await expect(page).toHaveURL(new RegExp(`#${id}$`));
    await expect(page.locator(`#${id} .tag--ok`)).toHaveCount(0);
    await expect(page.locator(`#${id}`)).toBeInViewport();
  });
});
