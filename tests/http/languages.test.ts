import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dutchLeftovers, LANGS, RAW, readPage } from './page-language.ts';
import { readFileSync } from 'node:fs';
import { schoolToday } from '~/server/clock.ts';
import { Client, freePort, ROOT, ready, type Server, signIn, start } from './server.ts';

/**
 * Every page kind in all six languages, as the person who opens it: the status, the page's
 * `lang` and `dir`, no key or mark left raw, and no Dutch interface sentence left unmarked
 * (tests/http/page-language.ts). Over plain HTTP, a few milliseconds a page; axe scans every page
 * in Dutch and Arabic in the browser (tests/e2e), which covers both directions and every layout.
 */

const GROEP_3 = '20000000-0000-4000-8000-000000000003';
const GROEP_6 = '20000000-0000-4000-8000-000000000006';
const VETERS = '40000000-0000-4000-8000-000000000031';
const TAFELS = '40000000-0000-4000-8000-000000000061';
const YUSUF_MEETING = '50000000-0000-4000-8000-000000000001';
const YUSUF_HELD = '50000000-0000-4000-8000-000000000002';
const HELD = '50000000-0000-4000-8000-000000000005';
const UPCOMING = '50000000-0000-4000-8000-000000000007';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

let server: Server;
const people: Record<string, Client> = {};

/** The first link on a page that matches, for page kinds whose id the seed does not fix. */
async function linkOn(client: Client, path: string, pattern: RegExp): Promise<string> {
  const page = await client.get(path);
  expect(page.status, path).toBe(200);
  const match = new RegExp(`href="(${pattern.source})"`).exec(page.body);
  expect(match, `a link like ${pattern} on ${path}`).not.toBeNull();
  return match![1]!.replace(/&amp;/g, '&');
}

/** Paths without the language prefix, per person. */
const PAGES: Record<string, (string | (() => Promise<string>))[]> = {};

beforeAll(async () => {
  const port = await freePort();
  server = start({
    PORT: String(port),
    HOST: '127.0.0.1',
    PORTAL_DEV_MAILBOX: '1',
    // Every person signs in from this one machine.
    PORTAL_CLIENT_LIMIT_FACTOR: '10',
  });
  await ready(server);
  for (const [who, email] of [
    ['admin', 'directie@regenboog.example'],
    ['teacher', 'juf.anna@regenboog.example'],
    ['parentPl', 'katarzyna@ouders.example'],
    ['parentAr', 'samira@ouders.example'],
  ] as const) {
    people[who] = new Client(port);
    await signIn(people[who], email);
  }
  // A pupil on a class device: the coach opens class mode, Daan taps his three pictures.
  const device = new Client(port);
  await signIn(device, 'ib@regenboog.example');
  const opened = await device.post(`/nl/s/demo/admin/classes/${GROEP_3}?_action=classes.openClassMode`, {});
  expect(opened.status).toBe(303);
  people.device = device;
  const daan = await linkOn(device, '/nl/class', new RegExp(`/nl/class/${UUID}`));
  const pupil = new Client(port);
  for (const [k, v] of device.cookies) pupil.cookies.set(k, v);
  const signedIn = await pupil.post(`${daan}?_action=classMode.signIn`, [
    ['picked', 'sun'],
    ['picked', 'cat'],
    ['pick', 'apple'],
  ]);
  expect(signedIn.status, 'Daan signs in with his pictures').toBe(303);
  expect(signedIn.headers.location).toMatch(/\/nl\/pupil/);
  people.pupil = pupil;
  // Sara has not chosen her picture yet: the page where she does.
  const sara = new Client(port);
  for (const [k, v] of device.cookies) sara.cookies.set(k, v);
  const saraIn = await sara.post(`/nl/class/${SARA}?_action=classMode.signIn`, [
    ['picked', 'sun'],
    ['picked', 'cat'],
    ['pick', 'apple'],
  ]);
  expect(saraIn.status, 'Sara signs in with her pictures').toBe(303);
  people.newPupil = sara;
  // Zofia prepares her part of her meeting, and says afterwards how the one that was held went.
  const zofia = new Client(port);
  for (const [k, v] of device.cookies) zofia.cookies.set(k, v);
  const zofiaIn = await zofia.post(`/nl/class/${ZOFIA}?_action=classMode.signIn`, [
    ['picked', 'sun'],
    ['picked', 'cat'],
    ['pick', 'apple'],
  ]);
  expect(zofiaIn.status, 'Zofia signs in with her pictures').toBe(303);
  people.zofia = zofia;
  // Someone who asked for a code and types it in next.
  const waiting = new Client(port);
  expect(
    (await waiting.post('/nl/sign-in?_action=auth.sendCode', { email: 'meester.karim@regenboog.example', next: '/nl/app' })).status,
  ).toBe(303);
  people.codeAsked = waiting;

  // What the seed does not hold, made through the forms as staff make it: a groepsplan, and a
  // booking round for Groep 3 (Zofia's mother then has a round to choose a time in).
  const made = await people.teacher!.post(`/nl/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}/plan?_action=groupPlans.create`, {
    period: 'Periode 2',
    evaluate_on: inDays(30),
  });
  expect(made.status, 'a groepsplan is made').toBe(303);
  expect(made.headers.location).toMatch(new RegExp(`/nl/s/demo/admin/classes/${GROEP_3}/plans/${UUID}$`));
  planPath = made.headers.location!.replace(/^\/nl\//, '');
  const round = await people.admin!.post('/nl/s/demo/admin/meetings/rounds?_action=meetingRounds.publish', [
    ['class', GROEP_3],
    ['title', 'Rapportgesprekken'],
    ['days', inDays(8)],
    ['from', '15:00'],
    ['to', '16:00'],
    ['minutes', '10'],
    ['breakEvery', '6'],
    ['breakMinutes', '10'],
    ['teachers', 'class'],
    ['deadlineDate', inDays(6)],
    ['deadlineTime', '12:00'],
    ['fewerOk', 'true'],
  ]);
  expect(round.status, 'a booking round is published').toBe(303);
  // The round's mail to the parents carries a link to stop such mails (sent from the outbox, within seconds).
  for (let i = 0; i < 100 && !unsubscribe; i++) {
    const mailbox = await people.admin!.get('/dev/mailbox');
    unsubscribe = /\/[a-z]{2}\/(unsubscribe\/[A-Za-z0-9_-]+)/.exec(mailbox.body)?.[1] ?? '';
    if (!unsubscribe) await new Promise((r) => setTimeout(r, 200));
  }
  expect(unsubscribe, 'an unsubscribe link in a mail about the round').not.toBe('');
}, 180_000);

let planPath = '';
let unsubscribe = '';
const SARA = '30000000-0000-4000-8000-000000000300';
const DAAN = '30000000-0000-4000-8000-000000000301';
const ZOFIA = '30000000-0000-4000-8000-000000000302';
/** A day from today in the school's time zone, as a date field sends it. */
function inDays(n: number): string {
  return schoolToday(new Date(Date.now() + n * 86_400_000));
}

afterAll(async () => {
  await server?.stop();
});

PAGES.anonymous = [
  '',
  'leaflets',
  'about',
  'phrases',
  'privacy',
  'sign-in',
  'sign-in/password',
  'join',
  's/demo/leaflets',
  's/demo/leaflets/gesprekken-op-school',
  's/demo/leaflets/gesprekken-op-school?view=both',
  's/demo/leaflets/hoge-verwachtingen',
  's/demo/privacy',
  async () => unsubscribe,
];
PAGES.admin = [
  's/demo/admin',
  's/demo/admin/people',
  's/demo/admin/invitations',
  's/demo/admin/invitations?show=letter',
  's/demo/admin/settings',
  's/demo/admin/access-log',
  's/demo/admin/erasure-requests',
  's/demo/admin/leaflets',
  's/demo/admin/leaflets/poster',
  's/demo/admin/leaflets/poster?format=flyer',
  async () => strip(await linkOn(people.admin!, '/nl/s/demo/admin/leaflets', new RegExp(`/nl/s/demo/admin/leaflets/${UUID}`))),
  async () =>
    `${strip(await linkOn(people.admin!, '/nl/s/demo/admin/leaflets', new RegExp(`/nl/s/demo/admin/leaflets/${UUID}`)))}/preview?show=ar`,
  's/demo/admin/needs',
  's/demo/admin/voices',
  's/demo/admin/voices?in={lang}',
  's/demo/admin/group-discussion',
  `s/demo/admin/classes/${GROEP_3}`,
  `s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}`,
  `s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}/plan`,
  `s/demo/admin/classes/${GROEP_6}/rounds/${TAFELS}`,
  async () => planPath,
  async () => strip(await linkOn(people.admin!, `/nl/s/demo/admin/classes/${GROEP_3}`, new RegExp(`/nl/s/demo/admin/pupils/${UUID}`))),
  's/demo/admin/meetings',
  `s/demo/admin/meetings/${UPCOMING}`,
  `s/demo/admin/meetings/${HELD}`,
  `s/demo/admin/meetings/${YUSUF_HELD}`,
  's/demo/admin/meetings/rounds',
  async () =>
    strip(await linkOn(people.admin!, '/nl/s/demo/admin/meetings/rounds', new RegExp(`/nl/s/demo/admin/meetings/rounds/${UUID}`))),
  's/demo/admin/feedback',
  'app',
  'app/account',
  'app/my-data',
];
PAGES.teacher = ['app', `s/demo/admin/classes/${GROEP_3}`];
PAGES.parentPl = [
  'app',
  'app/account',
  'app/my-data',
  'app/meetings',
  `app/meetings/${UPCOMING}`,
  ...Array.from({ length: 8 }, (_, step) => `app/meetings/${UPCOMING}/prepare/${step}`),
  `app/meetings/${UPCOMING}/summary`,
  `app/meetings/${HELD}`,
  async () => strip(await linkOn(people.parentPl!, '/nl/app', new RegExp(`/nl/app/voices/${UUID}`))),
  async () => strip(await linkOn(people.parentPl!, '/nl/app/meetings', new RegExp(`/nl/app/meetings/rounds/${UUID}`))),
];
PAGES.parentAr = ['app', 'app/meetings', `app/meetings/${YUSUF_MEETING}`, `app/meetings/${YUSUF_HELD}`];
PAGES.device = ['class', `class/${DAAN}`, 'class/teacher'];
PAGES.codeAsked = ['sign-in/code'];
PAGES.zofia = [
  ...['goes-well', 'hard', 'want-to-say', 'who', 'words', 'consent'].map((part) => `pupil/meeting/${UPCOMING}/${part}`),
  `pupil/meeting/${HELD}/feedback`,
];
PAGES.newPupil = ['pupil/avatar'];
PAGES.pupil = [
  'pupil',
  'pupil/goal',
  'pupil/choose/needs',
  'pupil/choose/tips',
  'pupil/choose/tops',
  'pupil/words/needs',
  'pupil/words/teacher',
  'pupil/draw/needs',
  'pupil/check/needs',
];

/** `/nl/rest` → `rest`. */
function strip(path: string): string {
  return path.replace(/^\/nl\//, '');
}

describe('every page kind in all six languages, over HTTP', () => {
  for (const who of Object.keys(PAGES)) {
    test(`${who}: status, lang, dir, no raw key, no unmarked Dutch`, { timeout: 120_000 }, async () => {
      const client = people[who] ?? new Client(server.port);
      const paths: string[] = [];
      for (const p of PAGES[who]!) paths.push(typeof p === 'string' ? p : await p());
      const problems: string[] = [];
      let pages = 0;
      for (const lang of LANGS) {
        const dutch = lang === 'nl' ? [] : dutchLeftovers(lang);
        for (const path of paths) {
          const url = `/${lang}/${path.replaceAll('{lang}', lang)}`;
          const answer = await client.get(url);
          pages++;
          if (answer.status !== 200) {
            problems.push(`${url}: status ${answer.status}${answer.headers.location ? ` → ${answer.headers.location}` : ''}`);
            continue;
          }
          const page = readPage(answer.body);
          if (page.lang !== lang) problems.push(`${url}: lang="${page.lang}"`);
          if (page.dir !== (lang === 'ar' ? 'rtl' : 'ltr')) problems.push(`${url}: dir="${page.dir}"`);
          const raw = RAW.exec(page.all);
          if (raw) problems.push(`${url}: raw "${page.all.slice(Math.max(0, raw.index - 30), raw.index + 50)}"`);
          for (const { key, fragment } of dutch) {
            if (page.text.includes(fragment)) problems.push(`${url}: Dutch left unmarked (${key}): "${fragment}"`);
          }
        }
      }
      expect(problems).toEqual([]);
      expect(pages).toBe(paths.length * LANGS.length);
    });
  }

  test('an unknown school, leaflet or page answers 404 in the language of the address', async () => {
    const client = new Client(server.port);
    for (const lang of LANGS) {
      const title = (JSON.parse(readFileSync(`${ROOT}/src/i18n/locales/${lang}/common.json`, 'utf8')) as Record<string, string>)[
        'notFound.title'
      ]!;
      for (const path of [`/${lang}/s/nope/leaflets`, `/${lang}/s/demo/leaflets/does-not-exist`, `/${lang}/no-such-page`]) {
        const answer = await client.get(path, { 'accept-language': 'nl' });
        expect(answer.status, path).toBe(404);
        const page = readPage(answer.body);
        expect(page.lang, path).toBe(lang);
        expect(page.dir, path).toBe(lang === 'ar' ? 'rtl' : 'ltr');
        expect(/<h1[^>]*>([^<]*)<\/h1>/.exec(answer.body)?.[1]?.trim(), path).toBe(title);
        expect(page.all, path).not.toMatch(RAW);
      }
    }
  });

  test('a leaflet read in each language is headed in that language', async () => {
    const client = new Client(server.port);
    for (const lang of LANGS) {
      const answer = await client.get(`/${lang}/s/demo/leaflets/hoge-verwachtingen`);
      expect(answer.status).toBe(200);
      expect(/<h1[^>]*\blang="([^"]+)"/.exec(answer.body)?.[1], lang).toBe(lang);
    }
  });
});
