import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { ESSENTIAL_KINDS, NOTIFICATION_KINDS, type NotificationKind } from '~/domain/notifications.ts';
import { getT } from '~/i18n/index.ts';
import { keyFromData } from '~/i18n/keys.ts';
import { LOCALE_CODES, type Locale } from '~/i18n/locales.ts';
import { type RenderInput, renderNotification } from '~/server/notify/render.ts';
import nl from '~/i18n/locales/nl/notify.json';

/**
 * Every notification in six languages, rendered as the reader gets it: the subject says nothing
 * sensitive (no name, no kind of meeting, no reason), the body names the reader's own child only
 * as the value of a label (so no verb or adjective has to agree with it: a girl's and a boy's name
 * give the same text), it is signed with the school's name, has a plain-text and an HTML part and a
 * link to the thing; what may be turned off carries a one-click unsubscribe; the calendar files
 * parse (ical.js) and keep one UID per meeting with a rising SEQUENCE, CANCEL when cancelled and a
 * reminder (VALARM).
 */

const SCHOOL = 'Basisschool De Regenboog';
const MEETING = '4c4993a1-4e85-4201-9abc-56975cb8fd9f';
const ROUND = '07334124-cabe-4ac7-98f6-a69bcb455d16';
const REQUEST = 'b6a0a3f2-0c8e-4f8e-9d55-2b8d7d6a2c11';
const URL_BASE = 'https://portaal.regenboog.example';
const NOW = new Date('2026-12-07T10:00:00Z');
const GIRL = 'Sara';
const BOY = 'Yusuf';
const PARENT = 'Katarzyna Nowak';

function payload(kind: NotificationKind, child: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const meeting = {
    meeting: MEETING,
    kind: 'extra-support',
    starts_at: '2026-12-10T14:00:00+00:00',
    minutes: 15,
    place: 'Lokaal 12',
    video_url: null,
    sequence: 0,
    staff: ['Anna Jansen'],
    children: [child],
  };
  const round = {
    round: ROUND,
    title: 'Rapportgesprekken december',
    deadline: '2026-12-09T16:00:00+00:00',
    first: '2026-12-10T14:00:00+00:00',
    last: '2026-12-11T15:00:00+00:00',
    class: 'Groep 3',
    children: [child],
  };
  const byKind: Record<NotificationKind, Record<string, unknown>> = {
    meeting_planned: meeting,
    slot_booked: meeting,
    meeting_changed: {
      ...meeting,
      sequence: 1,
      was: { starts_at: '2026-12-08T14:00:00+00:00', minutes: 15, place: 'Lokaal 3', video_url: null },
    },
    meeting_cancelled: {
      ...meeting,
      sequence: 2,
      was: { starts_at: '2026-12-10T14:00:00+00:00', minutes: 15, place: 'Lokaal 12', video_url: null },
    },
    meeting_reminder: { ...meeting, prepared: false },
    round_opened: round,
    round_reminder: round,
    agreements_recorded: meeting,
    needs_round_closed: { round: ROUND, class: 'Groep 6', goal: 'De tafels van 3 en 4', children: [child] },
    erasure_answered: { request: REQUEST, outcome: 'declined', reason: 'De wet vraagt ons dit te bewaren.' },
    meeting_requested: { meeting: MEETING, children: [child], parent: PARENT, interpreter: 'pl' },
    preparation_shared: { ...meeting, parent: PARENT },
    interpreter_asked: { ...meeting, parent: PARENT, language: 'ar' },
    feedback_given: { ...meeting, parent: PARENT },
    round_unbooked: { ...round, children: undefined, unbooked: 4, pupils: 10 },
    erasure_requested: { request: REQUEST },
    digest: {
      items: [
        { kind: 'meeting_requested', slug: 'demo', about: MEETING, payload: { meeting: MEETING, children: [child], parent: PARENT } },
        { kind: 'preparation_shared', slug: 'demo', about: MEETING, payload: { ...meeting, parent: PARENT } },
      ],
    },
  };
  return { ...byKind[kind], ...extra };
}

const input = (kind: NotificationKind, locale: Locale, child: string, extra: Partial<RenderInput> = {}): RenderInput => ({
  kind,
  locale,
  schoolName: SCHOOL,
  schoolSlug: 'demo',
  payload: payload(kind, child),
  pushNames: false,
  url: (path) => new URL(path, URL_BASE).toString(),
  unsubscribe: (ESSENTIAL_KINDS as readonly string[]).includes(kind)
    ? null
    : { page: `${URL_BASE}/${locale}/unsubscribe/tok`, oneClick: `${URL_BASE}/${locale}/unsubscribe/tok/one-click` },
  organizer: { name: SCHOOL, email: 'portaal@regenboog.example' },
  now: NOW,
  ...extra,
});

const KINDS = NOTIFICATION_KINDS;
const cases = LOCALE_CODES.flatMap((locale) => KINDS.map((kind) => [locale, kind] as const));

describe('every notification in every language', () => {
  it.each(cases)("%s %s: subject, plain text, HTML, signature, link; the name only as a label's value", (locale, kind) => {
    const t = getT(locale);
    const girl = renderNotification(input(kind, locale, GIRL));
    const boy = renderNotification(input(kind, locale, BOY));
    for (const r of [girl, boy]) {
      const { subject, text, html } = r.mail;
      // Filled in, nothing left over.
      for (const part of [subject, text, html, r.push.body]) {
        expect(part).not.toMatch(/\{\{|\}\}|undefined|NaN|\bnull\b|\[object/);
        // No key shown instead of its words.
        expect(part).not.toMatch(/\b(notify|meetings|label|value|format|footer|greeting)[.:][a-z]/);
        expect(part.length).toBeGreaterThan(5);
      }
      // The subject says nothing sensitive: no child, no parent, no kind of meeting, no reason, no place.
      for (const secret of [GIRL, BOY, PARENT, 'Lokaal', 'De wet vraagt', t('meetings:kind.extra-support'), 'Groep']) {
        expect(subject, `${locale} ${kind} subject`).not.toContain(secret);
      }
      // Signed with the school's name, written in the reader's language.
      expect(text).toContain(SCHOOL);
      expect(text).toContain(t('notify:closing'));
      expect(html).toContain(`lang="${locale}"`);
      expect(html).toContain(`dir="${locale === 'ar' ? 'rtl' : 'ltr'}"`);
      // A link straight to the thing (the erased person has no page left to open).
      if (r.mail.link) {
        expect(text).toContain(r.mail.link);
        expect(r.mail.link.startsWith(`${URL_BASE}/${locale}/`)).toBe(true);
      }
    }
    // A name appears only as the value of a label ("Child: Sara"), never as a sentence's subject
    // or object, so nothing in the sentence agrees with it; and a girl's and a boy's name give the
    // same text.
    const lines = girl.mail.text.split('\n').filter((l) => l.includes(GIRL));
    for (const line of lines) expect(line, `${locale} ${kind}: ${line}`).toMatch(new RegExp(`^\\s*[^:]+: (.*, )?${GIRL}(,|$| )`));
    expect(girl.mail.text.replaceAll(GIRL, '•')).toBe(boy.mail.text.replaceAll(BOY, '•'));
    expect(girl.mail.subject).toBe(boy.mail.subject);
    // The child's name is in the body of every message about a child.
    const aboutChild = !['erasure_answered', 'erasure_requested', 'round_unbooked'].includes(kind);
    if (aboutChild) expect(girl.mail.text).toContain(GIRL);
    // One-click unsubscribe in every mail that may be turned off; none in what a law requires.
    if ((ESSENTIAL_KINDS as readonly string[]).includes(kind)) {
      expect(girl.mail.headers['List-Unsubscribe']).toBeUndefined();
      if (kind !== 'digest') expect(girl.mail.text).toContain(t('notify:footer.essential'));
    } else {
      expect(girl.mail.headers['List-Unsubscribe']).toBe(`<${URL_BASE}/${locale}/unsubscribe/tok/one-click>`);
      expect(girl.mail.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(girl.mail.text).toContain(`${URL_BASE}/${locale}/unsubscribe/tok`);
    }
    // The phone's lock screen: no child's name unless the parent chose it.
    expect(girl.push.body).not.toContain(GIRL);
    expect(girl.push.title).toBe(SCHOOL);
  });

  it.each(LOCALE_CODES)('%s: a parent who allows it sees the child on the lock screen', (locale) => {
    const r = renderNotification(input('slot_booked', locale, GIRL, { pushNames: true }));
    expect(r.push.body).toContain(GIRL);
  });

  it.each(LOCALE_CODES)('%s: a changed meeting shows what it was and what it is now, side by side', (locale) => {
    const t = getT(locale);
    const { text, html } = renderNotification(input('meeting_changed', locale, GIRL)).mail;
    expect(text).toContain(`${t('notify:label.was')}: `);
    expect(text).toContain(`${t('notify:label.now')}: `);
    expect(text).toMatch(/Lokaal 3[\s\S]*Lokaal 12/);
    expect(html).toMatch(/<s>[^<]*Lokaal 3[^<]*<\/s>[\s\S]*<strong>[^<]*Lokaal 12/);
  });

  it.each(LOCALE_CODES)('%s: the erased person is told without a link to a page they can no longer open', (locale) => {
    const r = renderNotification({
      ...input('erasure_answered', locale, GIRL),
      payload: { request: REQUEST, outcome: 'erased', reason: null },
    });
    expect(r.mail.link).toBeNull();
    expect(r.mail.text).toContain(getT(locale)('notify:erasure_answered.erased'));
    expect(r.mail.text).not.toContain('/app/account');
  });

  it.each(LOCALE_CODES.flatMap((l) => [1, 2, 5, 21, 22, 25, 101].map((n) => [l, n] as const)))(
    '%s: a digest of %i messages',
    (locale, n) => {
      const items = Array.from({ length: n }, () => ({
        kind: 'feedback_given',
        slug: 'demo',
        about: MEETING,
        payload: { meeting: MEETING, parent: PARENT },
      }));
      const r = renderNotification({ ...input('digest', locale, GIRL), payload: { items } });
      expect(r.mail.text).not.toMatch(/\{\{|undefined/);
      expect(r.push.body).not.toMatch(/\{\{|undefined/);
      if (n > 2 || locale !== 'ar') expect(r.push.body).toContain(String(n));
    },
  );

  it('the subjects of every language hold no placeholder but the date', () => {
    for (const locale of LOCALE_CODES) {
      const t = getT(locale);
      for (const key of Object.keys(nl).filter((k) => k.endsWith('.subject'))) {
        const raw = String(t(keyFromData(`notify:${key}`), { date: '{{date}}', interpolation: { skipOnVariables: true } } as never));
        expect(raw.replace('{{date}}', ''), `${locale} ${key}`).not.toMatch(/\{\{/);
      }
    }
  });
});

describe('calendar files that stay in step', () => {
  const ics = (kind: NotificationKind, locale: Locale = 'pl') => {
    const file = renderNotification(input(kind, locale, GIRL)).mail.attachments[0];
    expect(file, kind).toBeDefined();
    const calendar = new ICAL.Component(ICAL.parse(file!.content));
    const zone = new ICAL.Timezone(calendar.getFirstSubcomponent('vtimezone')!);
    ICAL.TimezoneService.register(zone);
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    return { file: file!, calendar, vevent, event: new ICAL.Event(vevent) };
  };

  it('planned, booked, changed and cancelled carry one UID; SEQUENCE rises; the cancellation says CANCEL', () => {
    const planned = ics('meeting_planned');
    const booked = ics('slot_booked');
    const changed = ics('meeting_changed');
    const cancelled = ics('meeting_cancelled');
    const uids = new Set([planned, booked, changed, cancelled].map((c) => c.event.uid));
    expect(uids.size).toBe(1);
    expect(planned.event.sequence).toBe(0);
    expect(changed.event.sequence).toBe(1);
    expect(cancelled.event.sequence).toBe(2);
    expect(planned.calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(cancelled.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.file.contentType).toContain('method=CANCEL');
  });

  it("the time in the school's zone, the place, a reminder an hour before, the school as organiser; nothing sensitive in the title", () => {
    const { event, vevent } = ics('meeting_changed');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-10T14:00:00.000Z');
    expect(event.startDate.zone?.tzid).toBe('Europe/Amsterdam');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-10T14:15:00.000Z');
    expect(event.location).toBe('Lokaal 12');
    const alarm = vevent.getFirstSubcomponent('valarm')!;
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect((alarm.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-3600);
    expect(String(vevent.getFirstPropertyValue('organizer'))).toBe('mailto:portaal@regenboog.example');
    expect(event.summary).toContain(SCHOOL);
    expect(event.summary).not.toContain(GIRL);
    expect(event.summary).not.toContain(getT('pl')('meetings:kind.extra-support'));
  });

  it.each(LOCALE_CODES)("%s: the words of the file in the reader's language", (locale) => {
    const { event } = ics('meeting_planned', locale);
    expect(event.summary).toBe(getT(locale)('notify:calendar.summary', { school: SCHOOL }));
  });

  it('no calendar file for what is not a meeting time', () => {
    for (const kind of ['round_opened', 'agreements_recorded', 'erasure_answered', 'digest'] as const) {
      expect(renderNotification(input(kind, 'nl', GIRL)).mail.attachments).toEqual([]);
    }
  });
});
