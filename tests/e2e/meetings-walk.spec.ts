import type { Browser, Page } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';
import { authFile } from './helpers.ts';

/**
 * What the walks through the meetings found broken (issue 19, part 6), each as the person who
 * met it: rescheduling keeps the meeting's own day; phrase cards speak Dutch; a one-child family
 * sees no "next to a brother or sister" and the times stay in order; a round with fewer times
 * than pupils asks first; a round's teachers are the class's; a round can be changed, extended
 * and removed; Next without a network keeps the parent in the preparation; the printed
 * preparation keeps Arabic and Dutch apart; children's names follow the Arabic page.
 * Serial: the rounds made here are read by the next steps.
 */
test.describe.configure({ mode: 'serial' });

const ZOFIA_MEETING = '50000000-0000-4000-8000-000000000007';
const YUSUF_MEETING = '50000000-0000-4000-8000-000000000001';
const inDays = (n: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date(Date.now() + n * 86_400_000));
const PHONE_360 = { width: 360, height: 740 };

async function as(browser: Browser, who: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ storageState: authFile(who), ...options });
  return context.newPage();
}

/** The mails to an address in the dev mailbox that hold these words. */
async function mailsTo(page: Page, email: string, words: string): Promise<string[]> {
  const mailbox = await page.context().newPage();
  await mailbox.goto('/dev/mailbox');
  const texts = await mailbox.locator(`.mail[data-to="${email}"]`, { hasText: words }).allTextContents();
  await mailbox.close();
  return texts;
}

/** Publishes a round as the page's person; a round with fewer times than pupils is confirmed. */
async function publishRound(
  page: Page,
  r: { classLabel: string; title: string; day: string; from: string; to: string; deadline: string },
): Promise<string> {
  await page.goto('/nl/s/demo/admin/meetings/rounds');
  await page.getByLabel('Groep', { exact: true }).selectOption({ label: r.classLabel });
  await page.getByLabel('Naam van de ronde').fill(r.title);
  await page.getByLabel('Dag 1').fill(r.day);
  await page.getByLabel('Van', { exact: true }).fill(r.from);
  await page.getByLabel('Tot', { exact: true }).fill(r.to);
  await page.getByLabel('Ouders kiezen tot (datum)').fill(r.deadline);
  await page.getByRole('button', { name: 'Ronde klaarzetten' }).click();
  // Made at once, or first asked about (fewer times than pupils: the refusal's own page).
  await page.waitForURL(/\/rounds\/[0-9a-f-]{36}$|[?&]refused=/);
  const confirm = page.getByRole('button', { name: 'Toch klaarzetten' });
  if (await confirm.isVisible()) await confirm.click();
  await expect(page).toHaveURL(/\/admin\/meetings\/rounds\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

test('rescheduling starts from the meeting’s own day and time; changing only the time keeps the day, as a change', async ({ browser }) => {
  // The seed plans Zofia's meeting ten days ahead at 15:00 UTC: its own day and time in the school's zone.
  const seeded = new Date(`${new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10)}T15:00:00Z`);
  const zoned = (at: Date, opts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', ...opts }).format(at);
  const ownDay = zoned(seeded, {});
  const hm = (at: Date) => zoned(at, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const later = new Date(seeded.getTime() + 30 * 60_000);
  const page = await as(browser, 'teacher');
  await page.goto(`/nl/s/demo/admin/meetings/${ZOFIA_MEETING}`);
  const form = page.locator('form', { has: page.locator('#field-time') });
  await expect(form.locator('#field-date')).toHaveValue(ownDay);
  await expect(form.locator('#field-time')).toHaveValue(hm(seeded));
  const invitations = (await mailsTo(page, 'katarzyna@ouders.example', 'Zaproszenie')).length;

  await form.locator('#field-time').fill(hm(later));
  await form.locator('button[type=submit]').click();
  await expect(page.locator('.notice').first()).toBeVisible();
  const day = new Intl.DateTimeFormat('nl', { dateStyle: 'full', timeZone: 'Europe/Amsterdam' }).format(seeded);
  await expect(page.locator('.meeting-facts')).toContainText(day);
  await expect(page.locator('.meeting-facts')).toContainText(hm(later));
  // Not a second invitation: a change, with what it was and what it is now (the notifications send it
  // from the change the meeting kept).
  await expect
    .poll(async () => (await mailsTo(page, 'katarzyna@ouders.example', 'Zmiana')).join('\n'), { timeout: 20_000 })
    .toContain(hm(later));
  expect((await mailsTo(page, 'katarzyna@ouders.example', 'Zmiana')).join('\n')).toContain(hm(seeded));
  expect((await mailsTo(page, 'katarzyna@ouders.example', 'Zaproszenie')).length).toBe(invitations);
  const parent = await as(browser, 'parentPl');
  await parent.goto(`/pl/app/meetings/${ZOFIA_MEETING}`);
  await expect(parent.locator('.meeting-change')).toContainText(hm(seeded));
  await expect(parent.locator('.meeting-facts')).toContainText(hm(later));
  await expectNoAxeViolations(parent);
  await parent.context().close();
  await page.context().close();
});

test('phrase cards speak their Dutch with a Dutch voice', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const spoken: string[] = [];
    (window as unknown as { __spoken: string[] }).__spoken = spoken;
    const voices = [{ lang: 'nl-NL', name: 'Nederlands', default: true, localService: true, voiceURI: 'nl' }];
    Object.defineProperty(window, 'speechSynthesis', {
      configurable: true,
      value: {
        getVoices: () => voices,
        speak: (u: { text: string }) => spoken.push(u.text),
        cancel: () => undefined,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
      },
    });
    class Utterance {
      text: string;
      lang = '';
      voice: unknown = null;
      rate = 1;
      constructor(text: string) {
        this.text = text;
      }
    }
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true });
  });
  const page = await context.newPage();
  await page.goto('/ar/phrases');
  const play = page.locator('.phrase').first().getByRole('button');
  await expect(play).toBeVisible();
  await expect(page.locator('.phrase button')).toHaveCount(11);
  await play.click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken))
    .toEqual(['Wilt u iets langzamer praten?']);
  await context.close();
});

let walkRound = '';

test('a round with fewer times than pupils asks first; nothing is published until confirmed', async ({ browser }) => {
  const page = await as(browser, 'teacher');
  await page.goto('/nl/s/demo/admin/meetings/rounds');
  await page.getByLabel('Groep', { exact: true }).selectOption({ label: 'Groep 3' });
  await page.getByLabel('Naam van de ronde').fill('Oudergesprekken');
  await page.getByLabel('Dag 1').fill(inDays(7));
  await page.getByLabel('Van', { exact: true }).fill('15:00');
  await page.getByLabel('Tot', { exact: true }).fill('16:00');
  await page.getByLabel('Ouders kiezen tot (datum)').fill(inDays(5));
  await page.getByRole('button', { name: 'Ronde klaarzetten' }).click();
  // Six times for the ten pupils of Groep 3: said, and not yet published.
  const warning = page.locator('#slots-confirm');
  await expect(warning).toContainText('6');
  await expect(warning).toContainText('10');
  await expect(page).not.toHaveURL(/\/rounds\/[0-9a-f-]{36}$/);
  await expect(page.getByLabel('Naam van de ronde')).toHaveValue('Oudergesprekken');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Toch klaarzetten' }).click();
  await expect(page).toHaveURL(/\/rounds\/[0-9a-f-]{36}$/);
  walkRound = new URL(page.url()).pathname.split('/').pop()!;
  await page.context().close();
});

test('a one-child family: no "next to a brother or sister", and the times stay in order after booking', async ({ browser }) => {
  if (!walkRound) {
    const teacher = await as(browser, 'teacher');
    walkRound = await publishRound(teacher, {
      classLabel: 'Groep 3',
      title: 'Oudergesprekken',
      day: inDays(7),
      from: '15:00',
      to: '16:00',
      deadline: inDays(5),
    });
    await teacher.context().close();
  }
  const parent = await as(browser, 'parentPl');
  await parent.goto(`/pl/app/meetings/rounds/${walkRound}`);
  await parent.locator('button.slot').first().click();
  await expect(parent.locator('section > p > strong')).toContainText('15:00');
  await expect(parent.locator('button.slot .tag')).toHaveCount(0);
  const times = await parent.locator('button.slot strong').allInnerTexts();
  expect(times.length).toBeGreaterThan(3);
  expect([...times].sort()).toEqual(times);
  await parent.context().close();
});

test('a round’s teachers are the class’s own, not the person who makes it', async ({ browser }) => {
  const page = await as(browser, 'admin');
  await page.goto('/nl/s/demo/admin/meetings/rounds');
  await expect(page.getByRole('checkbox', { name: 'Ikzelf' })).not.toBeChecked();
  await publishRound(page, {
    classLabel: 'Groep 6',
    title: 'Tienminutengesprekken',
    day: inDays(9),
    from: '15:00',
    to: '15:30',
    deadline: inDays(6),
  });
  const teachers = await page.locator('tbody td[data-label="Leerkracht"]').allInnerTexts();
  expect(teachers.length).toBe(3);
  expect(new Set(teachers)).toEqual(new Set(['Karim El Amrani']));
  await page.context().close();
});

test('a round can be renamed, given a day more, and removed', async ({ browser }) => {
  const page = await as(browser, 'admin');
  const id = await publishRound(page, {
    classLabel: 'Groep 6',
    title: 'Rapport maart',
    day: inDays(11),
    from: '15:00',
    to: '15:20',
    deadline: inDays(8),
  });
  await expect(page.locator('tbody tr')).toHaveCount(2);
  await page.getByLabel('Naam van de ronde').fill('Rapportgesprekken maart');
  await page.getByRole('button', { name: 'Wijzigingen bewaren' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rapportgesprekken maart');
  await page.getByLabel('Nieuwe dag').fill(inDays(12));
  await page.getByRole('button', { name: 'Dag toevoegen' }).click();
  await expect(page.locator('tbody tr')).toHaveCount(4);
  await expectNoAxeViolations(page);
  await page.locator('summary', { hasText: 'Ronde verwijderen' }).click();
  await page.getByRole('button', { name: 'Ja, verwijderen' }).click();
  await expect(page).toHaveURL(/\/admin\/meetings\/rounds$/);
  await expect(page.locator(`a[href$="/rounds/${id}"]`)).toHaveCount(0);
  await page.context().close();
});

test('Next without a network keeps the parent in the preparation, and says so', async ({ browser }) => {
  const page = await as(browser, 'parentPl', { viewport: PHONE_360, hasTouch: true });
  await page.goto(`/pl/app/meetings/${ZOFIA_MEETING}/prepare/1`);
  await page.locator('textarea[name=text]').fill('Zosia lubi czytać.');
  await page.context().setOffline(true);
  await page.locator('button[name=go][value=next]').click();
  await expect(page.locator('[data-offline-note]')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/pl/app/meetings/${ZOFIA_MEETING}/prepare/1$`));
  await expect(page.locator('textarea[name=text]')).toHaveValue('Zosia lubi czytać.');
  await page.context().setOffline(false);
  await page.context().close();
});

test('what a parent typed while saving failed comes back after a reload, and is sent', async ({ browser }) => {
  const page = await as(browser, 'parentPl', { viewport: PHONE_360, hasTouch: true });
  const step = `/pl/app/meetings/${ZOFIA_MEETING}/prepare/2`;
  // Saving does not get through (a dropped connection): what she types is kept on the phone.
  await page.route('**/api/preparation/**', (route) => route.abort());
  await page.goto(step);
  await page.locator('textarea[name=text]').fill('Zosia pyta o wszystko.');
  await expect(page.locator('.prep-draft')).not.toBeEmpty();
  await page.reload();
  await expect(page.locator('textarea[name=text]')).toHaveValue('Zosia pyta o wszystko.');
  await expect(page.locator('.prep-draft')).not.toBeEmpty();
  await expectNoAxeViolations(page);
  // The connection is back: the next save reaches the school, and nothing stays on the phone.
  await page.unroute('**/api/preparation/**');
  await page.locator('textarea[name=text]').fill('Zosia pyta o wszystko. Lubi liczyć.');
  await expect.poll(async () => (await page.request.get(`/pl/app/meetings/${ZOFIA_MEETING}/summary`)).text()).toContain('Lubi liczyć');
  await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('portal-prep:')))).toHaveLength(0);
  await page.context().close();
});

test('the printed preparation keeps each Arabic question and its Dutch apart, never line by line', async ({ browser }, testInfo) => {
  const page = await as(browser, 'parentAr', { viewport: PHONE_360 });
  await page.goto(`/ar/app/meetings/${YUSUF_MEETING}/summary`);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.read-back [lang="nl"]').first()).toBeVisible();
  const interleaved = await page.evaluate(() => {
    const bad: string[] = [];
    for (const nl of document.querySelectorAll<HTMLElement>('.read-back [lang="nl"]')) {
      const heading = nl.closest('dt, li, .read-back__pair') as HTMLElement | null;
      if (!heading) continue;
      const range = document.createRange();
      const own: DOMRect[] = [];
      const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if ((n.parentElement as HTMLElement).closest('[lang="nl"]') || !n.textContent?.trim()) continue;
        range.selectNodeContents(n);
        own.push(...range.getClientRects());
      }
      const dutch = [...nl.getClientRects()];
      if (own.length === 0 || dutch.length === 0) continue;
      const below = dutch.every((d) => own.every((o) => d.top >= o.bottom - 1));
      const beside =
        dutch.every((d) => own.every((o) => d.right <= o.left + 1)) || dutch.every((d) => own.every((o) => d.left >= o.right - 1));
      if (!below && !beside) bad.push(nl.textContent ?? '');
    }
    return bad;
  });
  expect(interleaved).toEqual([]);
  await keepScreenshot(page, testInfo, 'prep-summary-ar-print-360');
  await page.context().close();
});

test('on the Arabic overview the children’s names stand right, like everything else', async ({ browser }) => {
  const page = await as(browser, 'parentAr', { viewport: PHONE_360 });
  await page.goto('/ar/app');
  const names = page.locator('#children-title ~ ul .card h3');
  await expect(names).toHaveCount(2);
  for (const h of await names.all()) expect(await h.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
  await page.context().close();
});
