import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from '@playwright/test';
import ICAL from 'ical.js';
import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';
import { authFile, DEMO } from './helpers.ts';
import { CHROMIUM_ARGS, findFullChromium } from '../../scripts/browser.mjs';

/**
 * Nobody misses a meeting (issue 20), as the people live it: the admin opens a meeting round for
 * Groep 3 and within seconds Samira (Arabic), Katarzyna (Polish) and Ayşe (Turkish) each have a
 * mail in their language with the deadline and a link to the round; Katarzyna has switched on
 * notifications on her phone (a real browser context, with the push service stood in for by a
 * local one); she books and gets a confirmation with a calendar file, and her phone an encrypted
 * message; staff move the meeting and she gets "changed: was …, now …" with the same UID and a
 * higher SEQUENCE, while the push service now answers 410 and her subscription goes; the
 * day-before reminder goes out at a moved clock; the admin's and the teacher's home pages list
 * what is waiting. Serial: each step builds on the one before.
 */
test.describe.configure({ mode: 'serial' });
// Web Push needs a full Chromium: the headless shell the other tests run in refuses notifications,
// whatever permission is granted.
test.use({ launchOptions: { executablePath: (await findFullChromium()) ?? undefined, args: CHROMIUM_ARGS } });
test.use({ serviceWorkers: 'allow' });

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: ReturnType<typeof createECDH>; authSecret: string }): Buffer;
};
const AYSE = 'ayse@ouders.example';
const TITLE = `Gesprekken ${randomBytes(3).toString('hex')}`;
const inDays = (n: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date(Date.now() + n * 86_400_000));

let roundId = '';
let meetingId = '';
let firstIcs = '';

/** A push service on this machine: keeps what it receives; answers 201, or 410 when told. */
const push = {
  received: [] as Array<{ headers: IncomingMessage['headers']; body: Buffer }>,
  status: 201,
  base: '',
  close: () => undefined as unknown,
};
const browserKeys = createECDH('prime256v1');
browserKeys.generateKeys();
const authSecret = randomBytes(16).toString('base64url');

test.beforeAll(async () => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      push.received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(push.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  push.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  push.close = () => server.close();
});
test.afterAll(() => push.close());

async function open(browser: Browser, who: string | null, options: Parameters<Browser['newContext']>[0] = {}) {
  const context = await browser.newContext({ ...(who ? { storageState: authFile(who) } : {}), ...options });
  return context.newPage();
}

/** The newest mail to `to` that holds `text`, once it has arrived (the mailbox page is read again until then). */
async function mailTo(page: Page, to: string, text: string): Promise<Locator> {
  const mail = page.locator(`.mail[data-to="${to}"]`, { hasText: text }).first();
  await expect(async () => {
    await page.goto('/dev/mailbox');
    await expect(mail).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
  return mail;
}

const decryptPush = (body: Buffer) =>
  JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: browserKeys, authSecret }).toString('utf8')) as Record<string, string>;

test('Katarzyna switches on notifications on her phone: the subscription is stored for this device', async ({ browser }, testInfo) => {
  const page = await open(browser, 'parentPl', { viewport: PHONE, hasTouch: true, isMobile: true });
  await page.context().grantPermissions(['notifications']);
  // The browser's push service cannot be reached from here: the subscription it would give is
  // stood in for, with keys made in this test and an address on the local push service.
  const endpoint = `${push.base}/push/${randomBytes(8).toString('hex')}`;
  await page.context().addInitScript(
    ({ endpoint, p256dh, auth }) => {
      const subscription = {
        endpoint,
        expirationTime: null,
        options: { userVisibleOnly: true },
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
        unsubscribe: async () => true,
      };
      PushManager.prototype.subscribe = async () => subscription as unknown as PushSubscription;
      PushManager.prototype.getSubscription = async () => null;
    },
    { endpoint, p256dh: browserKeys.getPublicKey().toString('base64url'), auth: authSecret },
  );
  await page.goto('/pl/app/account#push');
  await expect(page.getByRole('heading', { name: 'Wiadomości ze szkoły' })).toBeVisible();
  await expect(page.getByText('Nie otrzymujesz jeszcze wiadomości na telefonie ani komputerze.')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Włącz wiadomości na tym urządzeniu' }).click();
  await expect(page.getByText('Wiadomości na tym urządzeniu są włączone.')).toBeVisible();
  await expect(page.getByText('Otrzymujesz wiadomości na 1 urządzeniu.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Wyłącz wiadomości na tym urządzeniu' })).toBeVisible();
  // The push worker controls no page and keeps nothing: its scope holds no page of the portal.
  const scopes = await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).map((r) => new URL(r.scope).pathname));
  expect(scopes).toContain('/push/');
  await keepScreenshot(page, testInfo, 'notify-pl-phone-account');
  await page.context().storageState({ path: 'test-results/.auth/parentPl-push.json' });
  await page.context().close();
});

test('the admin opens a round for Groep 3: within seconds Samira, Katarzyna and Ayşe each have a mail in their language, with the deadline and a link to the round', async ({
  browser,
}) => {
  const page = await open(browser, 'admin');
  await page.goto('/nl/s/demo/admin/meetings/rounds');
  await page.getByLabel('Groep', { exact: true }).selectOption({ label: 'Groep 3' });
  await page.getByLabel('Naam van de ronde').fill(TITLE);
  await page.getByLabel('Dag 1').fill(inDays(9));
  await page.getByLabel('Van', { exact: true }).fill('15:00');
  await page.getByLabel('Tot', { exact: true }).fill('16:00');
  await page.getByLabel('Ouders kiezen tot (datum)').fill(inDays(7));
  await page.getByRole('button', { name: 'Ronde klaarzetten' }).click();
  // Six times for the ten pupils of Groep 3: asked once more (issue 19).
  await page.getByRole('button', { name: 'Toch klaarzetten' }).click();
  await expect(page.getByText('De ouders van de groep krijgen een e-mail in hun eigen taal')).toBeVisible();
  roundId = new URL(page.url()).pathname.split('/').pop()!;
  const published = Date.now();

  const mailbox = await page.context().newPage();
  const deadlineDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', day: 'numeric' }).format(
    new Date(`${inDays(7)}T12:00:00Z`),
  );
  for (const [to, lang, subject, deadlineLabel] of [
    [DEMO.parentAr, 'ar', 'اختر موعدًا للقاء', 'آخر موعد للاختيار'],
    [DEMO.parentPl, 'pl', 'Wybierz termin rozmowy', 'Wybór możliwy do'],
    [AYSE, 'tr', 'Görüşme için bir zaman seçin', 'Son seçim tarihi'],
  ] as const) {
    const mail = await mailTo(mailbox, to, `/${lang}/app/meetings/rounds/${roundId}`);
    await expect(mail).toHaveAttribute('lang', lang);
    await expect(mail.locator('.mail__subject')).toContainText(subject);
    await expect(mail.locator('.mail__body')).toContainText(`${deadlineLabel}: `);
    await expect(mail.locator('.mail__body')).toContainText(` ${deadlineDay} `);
    await expect(mail.locator('.mail__body')).toContainText('Basisschool De Regenboog');
    await expect(mail.locator('dd[data-header="list-unsubscribe-post"]')).toHaveText('List-Unsubscribe=One-Click');
  }
  // "Within seconds": all three were there well before a poll of the notifier would have come.
  expect(Date.now() - published).toBeLessThan(20_000);
  // Katarzyna's own child only; nobody else's.
  const katarzyna = mailbox.locator(`.mail[data-to="${DEMO.parentPl}"]`, { hasText: roundId }).first();
  await expect(katarzyna).toContainText('Dziecko: Zofia');
  for (const other of ['Sara', 'Elif', 'Yusuf']) await expect(katarzyna).not.toContainText(other);
  await page.context().close();
});

test('the link in the mail leads to the round; Katarzyna books: a confirmation with a calendar file, and her phone gets an encrypted message without Zofia’s name', async ({
  browser,
}) => {
  const mailbox = await open(browser, null);
  const mail = await mailTo(mailbox, DEMO.parentPl, `/pl/app/meetings/rounds/${roundId}`);
  const link = await mail.locator('.mail__link').getAttribute('href');
  await mailbox.context().close();

  const page = await open(browser, 'parentPl-push', { viewport: PHONE, hasTouch: true, isMobile: true });
  await page.goto(new URL(link!).pathname);
  await expect(page).toHaveURL(new RegExp(`/pl/app/meetings/rounds/${roundId}$`));
  // The round's title in Polish (a machine's, marked), its Dutch a tap away (issue 19).
  await expect(page.locator('.written__source[lang="nl"]').first()).toHaveText(TITLE);
  const pushedBefore = push.received.length;
  await page.locator('button.slot').first().click();
  await expect(page.getByText('Twój termin został zapisany.')).toBeVisible();

  const confirmation = await mailTo(page, DEMO.parentPl, 'Termin Twojej rozmowy jest potwierdzony');
  meetingId = /\/pl\/app\/meetings\/([0-9a-f-]{36})/.exec(await confirmation.innerText())![1]!;
  await expect(confirmation.locator('.mail__body')).toContainText('Dziecko: Zofia');
  firstIcs = (await confirmation.locator('pre.mail__file').textContent())!;
  const calendar = new ICAL.Component(ICAL.parse(firstIcs));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  expect(event.uid).toBe(`${meetingId}@samen-voor-elk-kind`);
  expect(event.sequence).toBe(0);
  expect(calendar.getFirstSubcomponent('vevent')!.getFirstSubcomponent('valarm')).not.toBeNull();

  // The phone: one encrypted message, readable only with the browser's key.
  await expect.poll(() => push.received.length, { timeout: 15_000 }).toBeGreaterThan(pushedBefore);
  const message = push.received.at(-1)!;
  expect(message.headers['content-encoding']).toBe('aes128gcm');
  expect(message.headers.authorization).toMatch(/^vapid t=/);
  expect(message.body.includes(Buffer.from('Zofia'))).toBe(false);
  const shown = decryptPush(message.body);
  expect(shown).toMatchObject({ title: 'Basisschool De Regenboog', lang: 'pl' });
  expect(shown.body).toContain('Twój termin jest potwierdzony');
  expect(shown.body).not.toContain('Zofia');
  expect(shown.url).toContain(`/pl/app/meetings/${meetingId}`);
  await page.context().close();
});

test('staff move the meeting: “changed: was …, now …” with the same UID and a higher SEQUENCE; a 410 from the push service removes the subscription', async ({
  browser,
}) => {
  push.status = 410;
  const pushedBefore = push.received.length;
  const page = await open(browser, 'admin');
  await page.goto(`/nl/s/demo/admin/meetings/${meetingId}`);
  const form = page.locator('form', { has: page.getByRole('button', { name: 'Bewaren en ouders laten weten' }) });
  await form.locator('#field-date').fill(inDays(10));
  await form.locator('#field-time').fill('09:30');
  await form.locator('#field-place').fill('Lokaal 12');
  await form.getByRole('button', { name: 'Bewaren en ouders laten weten' }).click();
  await expect(page.getByText('Het gesprek is bewaard en de ouders weten het.')).toBeVisible();

  const changed = await mailTo(page, DEMO.parentPl, 'Zmiana: Twoja rozmowa jest teraz');
  const body = await changed.locator('.mail__body').innerText();
  expect(body).toMatch(/Było: .*godz\. 15:00/);
  expect(body).toMatch(/Teraz: .*godz\. 09:30.*Lokaal 12/);
  const ics = (await changed.locator('pre.mail__file').textContent())!;
  const before = new ICAL.Event(new ICAL.Component(ICAL.parse(firstIcs)).getFirstSubcomponent('vevent')!);
  const after = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
  expect(after.uid).toBe(before.uid);
  expect(after.sequence).toBeGreaterThan(before.sequence);
  expect(after.location).toBe('Lokaal 12');

  // The push service said 410: the subscription is gone from the account page.
  await expect.poll(() => push.received.length, { timeout: 15_000 }).toBeGreaterThan(pushedBefore);
  const phone = await open(browser, 'parentPl-push', { viewport: PHONE });
  await expect(async () => {
    await phone.goto('/pl/app/account#push');
    await expect(phone.getByText('Nie otrzymujesz jeszcze wiadomości na telefonie ani komputerze.')).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await phone.context().close();
  await page.context().close();
});

test('the day-before reminder goes out at a moved clock, in Polish, with “prepare now”', async ({ browser, baseURL }) => {
  const page = await open(browser, null);
  // 20 hours before the meeting (09:30 school time in ten days): 13:30 the day before.
  const meetingDay = inDays(10);
  const starts = new Date(new Date(`${meetingDay}T09:30:00Z`).getTime() - 3600_000);
  const at = new Date(starts.getTime() - 20 * 3600_000);
  const answer = await page.request.post('/dev/clock', { form: { at: at.toISOString() }, headers: { Origin: new URL(baseURL!).origin } });
  expect(answer.status()).toBe(200);
  const reminder = await mailTo(page, DEMO.parentPl, `Przypomnienie: rozmowa`);
  await expect(reminder).toContainText(`/pl/app/meetings/${meetingId}`);
  await expect(reminder.locator('.mail__body')).toContainText('Przygotowanie do rozmowy jeszcze na Ciebie czeka');
  await page.context().close();
});

test('the admin’s and the teacher’s home pages list what is waiting, each item leading to it', async ({ browser }, testInfo) => {
  for (const who of ['admin', 'teacher'] as const) {
    const page = await open(browser, who);
    await page.goto('/nl/app');
    const item = page.locator('.todo__item[data-todo="unbooked"]', { has: page.locator(`a[href$="/rounds/${roundId}"]`) });
    await expect(item).toContainText('gezinnen nog zonder tijd');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, `notify-nl-${who}-home`);
    await item.locator('a').click();
    await expect(page).toHaveURL(new RegExp(`/nl/s/demo/admin/meetings/rounds/${roundId}$`));
    await expect(page.locator('main')).toContainText(TITLE);
    await page.goto('/ar/app');
    await expect(page.locator('#todo-title')).toHaveText('مهامّك');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, `notify-ar-${who}-home`);
    await page.context().close();
  }
});

test('Katarzyna’s to-do list says to prepare; the account page sets messages in Arabic and Dutch; one-click unsubscribe works without signing in', async ({
  browser,
}, testInfo) => {
  const page = await open(browser, 'parentPl', { viewport: PHONE });
  await page.goto('/pl/app');
  await expect(page.locator(`.todo__item[data-todo="prepare"] a[href="/pl/app/meetings/${meetingId}"]`)).toBeVisible();
  await keepScreenshot(page, testInfo, 'notify-pl-phone-home');
  for (const lang of ['ar', 'nl'] as const) {
    await page.goto(`/${lang}/app/account#notifications`);
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, `notify-${lang}-phone-account`);
  }
  // Quiet hours typed in Arabic-Indic digits are understood; two equal times are refused, with what was typed kept.
  await page.getByLabel('Geen herinneringen in deze uren').check();
  await page.locator('#field-quiet_from').fill('22:00');
  await page.locator('#field-quiet_until').fill('22:00');
  await page.locator('form.notify-settings').getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Vul twee verschillende tijden in')).toBeVisible();
  await page.locator('#field-quiet_until').fill('06:30');
  await page.locator('label.choice', { hasText: 'Herinnering de dag voor een gesprek' }).locator('input').uncheck();
  await page.locator('form.notify-settings').getByRole('button', { name: 'Opslaan' }).click();
  await expect(page.getByText('Uw keuzes zijn opgeslagen.')).toBeVisible();
  await expect(page.locator('label.choice', { hasText: 'Herinnering de dag voor een gesprek' }).locator('input')).not.toBeChecked();
  await expect(page.locator('#field-quiet_until')).toHaveValue('06:30');
  // Reload repeats nothing.
  await page.reload();
  await expect(page.getByText('Uw keuzes zijn opgeslagen.')).toHaveCount(0);

  // A mail program's one-click unsubscribe (RFC 8058): no session, no Origin of ours.
  const mailbox = await open(browser, null);
  const mail = await mailTo(mailbox, DEMO.parentPl, `/pl/app/meetings/rounds/${roundId}`);
  const oneClick = (await mail.locator('dd[data-header="list-unsubscribe"]').innerText()).replace(/[<>]/g, '');
  const answer = await mailbox.request.post(new URL(oneClick).pathname, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'List-Unsubscribe=One-Click',
  });
  expect(answer.status()).toBe(204);
  await mailbox.context().close();
  await page.goto('/pl/app/account#notifications');
  await expect(page.locator('label.choice', { hasText: 'Możliwość wyboru terminu rozmowy' }).locator('input')).not.toBeChecked();
  await page.context().close();
});

test('the poster and the flyer print the short address under each code; typed, it leads to the leaflets in that language', async ({
  browser,
}) => {
  const page = await open(browser, 'admin');
  for (const format of ['a4', 'flyer']) {
    await page.goto(`/nl/s/demo/admin/leaflets/poster?format=${format}`);
    const turkish = page.locator('.poster__code[data-lang="tr"]').first();
    await expect(turkish.locator('.poster__url')).toHaveText(/^localhost:\d+\/tr\/s\/demo$/);
  }
  const typed = await page.locator('.poster__code[data-lang="ar"] .poster__url').first().innerText();
  const reader = await open(browser, null);
  await reader.goto(`http://${typed}`);
  await expect(reader).toHaveURL(/\/ar\/s\/demo\/leaflets$/);
  await expect(reader.locator('html')).toHaveAttribute('dir', 'rtl');
  await reader.context().close();
  await page.context().close();
});
