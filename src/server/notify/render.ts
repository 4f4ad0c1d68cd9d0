import type { TFunction } from '~/i18n/index.ts';
import { z } from 'zod';
import { buildIcs, meetingUid } from '~/domain/ics.ts';
import { plainText } from '~/domain/inline.ts';
import { SCHOOL_TIME_ZONE } from '~/domain/meetings.ts';
import { CALENDAR_KINDS, isEssential, type NotificationKind } from '~/domain/notifications.ts';
import { intlLocale } from '~/i18n/format.ts';
import { getT } from '~/i18n/index.ts';
import { dirOf, isLocale, type Locale } from '~/i18n/locales.ts';
import type { MailAttachment } from '../mail/port.ts';
import { dynamicKey } from '~/i18n/keys.ts';

/**
 * One notification, written for its one reader (issue 20), in their language:
 *
 * - the subject is one fixed sentence per kind with at most a date in it: no child's name, no
 *   kind of meeting, nothing a lock screen or a shared inbox should show (the rule of issue 18's
 *   mails; tests/unit/notify-render.test.ts checks every kind in every language);
 * - the body names only the reader's own children (the SQL wrote only those into the facts), as
 *   "label: value" lines, so no verb or adjective has to agree with a name's gender or case;
 * - it is signed with the school's name, has a plain-text part and an HTML part, and a link that
 *   leads straight to the thing (the page asks for sign-in first and comes back);
 * - every mail a person may turn off carries a one-click unsubscribe (List-Unsubscribe and
 *   List-Unsubscribe-Post, RFC 8058) and a link to their choices; a calendar file goes with the
 *   planned, booked, changed and cancelled meetings (one UID per meeting, its SEQUENCE, CANCEL);
 * - the push message is shorter, and names the child only when the parent chose so.
 *
 * Pure: the facts come from the database, links from `url`, the time from `now`.
 */

export interface RenderInput {
  kind: NotificationKind;
  locale: string;
  schoolName: string;
  schoolSlug: string | null;
  /** The facts, as `private.notifications.payload` holds them. */
  payload: Record<string, unknown>;
  /** The parent allows the child's name on a lock screen. */
  pushNames: boolean;
  /** An absolute address for a path of the portal. */
  url: (path: string) => string;
  /**
   * Unsubscribing from this kind: the page a person opens from the footer, and the one-click
   * address a mail program posts to (List-Unsubscribe). Null for what a law requires.
   */
  unsubscribe: { page: string; oneClick: string } | null;
  /** The calendar's organiser: the school's name and the sending address. */
  organizer?: { name: string; email: string } | null;
  now: Date;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  link: string | null;
  headers: Record<string, string>;
  attachments: MailAttachment[];
}

export interface RenderedPush {
  title: string;
  body: string;
  url: string;
  /** Messages about the same thing replace each other on a phone. */
  tag: string;
}

export interface Rendered {
  mail: RenderedMail;
  push: RenderedPush;
}

// ------------------------------------------------------------------------------------------
// The facts, checked (they come from SQL JSON)
// ------------------------------------------------------------------------------------------

// Built when first rendered, not when the module loads: the server loads it at every start (issue 24).
const makeSchemas = () => {
  const names = z.array(z.string()).catch([]);
  const when = z.string().nullable().optional();
  const facts = z.object({
    meeting: z.string().optional(),
    round: z.string().optional(),
    request: z.string().optional(),
    kind: z.string().optional(),
    starts_at: when,
    minutes: z.number().nullable().optional(),
    place: z.string().nullable().optional(),
    video_url: z.string().nullable().optional(),
    sequence: z.number().optional(),
    staff: names.optional(),
    children: names.optional(),
    was: z
      .object({
        starts_at: when,
        minutes: z.number().nullable().optional(),
        place: z.string().nullable().optional(),
        video_url: z.string().nullable().optional(),
      })
      .optional(),
    booked: z.boolean().optional(),
    prepared: z.boolean().optional(),
    parent: z.string().nullable().optional(),
    language: z.string().nullable().optional(),
    interpreter: z.string().nullable().optional(),
    title: z.string().nullable().optional(),
    deadline: when,
    first: when,
    last: when,
    class: z.string().nullable().optional(),
    goal: z.string().nullable().optional(),
    unbooked: z.number().optional(),
    pupils: z.number().optional(),
    outcome: z.enum(['erased', 'declined']).optional(),
    reason: z.string().nullable().optional(),
  });
  const digestItem = z.object({
    kind: z.string(),
    slug: z.string().nullable().optional(),
    about: z.string().nullable().optional(),
    payload: facts,
  });
  return { facts, digestItem };
};
let schemas: ReturnType<typeof makeSchemas> | undefined;
const factSchemas = () => (schemas ??= makeSchemas());
type Facts = z.infer<ReturnType<typeof makeSchemas>['facts']>;

// ------------------------------------------------------------------------------------------
// Formats: the reader's language, the school's time zone
// ------------------------------------------------------------------------------------------

function formats(lang: Locale, t: TFunction) {
  const day = new Intl.DateTimeFormat(intlLocale(lang), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: SCHOOL_TIME_ZONE,
  });
  const short = new Intl.DateTimeFormat(intlLocale(lang), { day: 'numeric', month: 'long', timeZone: SCHOOL_TIME_ZONE });
  const time = new Intl.DateTimeFormat(intlLocale(lang), {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: SCHOOL_TIME_ZONE,
  });
  return {
    /** "Thursday 10 December 2026, 15:00–15:10". */
    when(startsAt: string | null | undefined, minutes?: number | null): string {
      if (!startsAt) return t('notify:value.notSet');
      const start = new Date(startsAt);
      const times = minutes ? time.formatRange(start, new Date(start.getTime() + minutes * 60_000)) : time.format(start);
      return t('notify:format.when', { date: day.format(start), time: times });
    },
    /** "Thursday 10 December 2026, 15:00–16:00": from one time to another on one day. */
    span(from: string, to: string): string {
      return t('notify:format.when', { date: day.format(new Date(from)), time: time.formatRange(new Date(from), new Date(to)) });
    },
    /** "10 December", for subjects. */
    date(at: string | null | undefined): string {
      return at ? short.format(new Date(at)) : '';
    },
    list(values: readonly string[]): string {
      return new Intl.ListFormat(intlLocale(lang), { type: 'conjunction' }).format(values);
    },
    language(code: string): string {
      if (!/^[a-z]{2,3}$/.test(code)) return code;
      try {
        return new Intl.DisplayNames([intlLocale(lang)], { type: 'language' }).of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

// ------------------------------------------------------------------------------------------
// Building blocks
// ------------------------------------------------------------------------------------------

interface Line {
  label: string;
  value: string;
  /** Written by people at school in Dutch (a round's title, a class name): marked so. */
  dutch?: boolean;
}

interface Section {
  /** A heading (digest items). */
  heading?: string;
  lines: Line[];
  link?: { text: string; href: string };
}

interface Composed {
  subjectDate: string;
  intro: string[];
  lines: Line[];
  /** "was" and "now" side by side (a changed meeting). */
  change?: { was: string; now: string };
  action?: { text: string; href: string };
  after?: string[];
  sections?: Section[];
  calendar?: { method: 'PUBLISH' | 'CANCEL'; facts: Facts };
  push: { text: string; children: string[] };
  link: string | null;
  /** What the reader manages on their account page (digest: how often). */
  footerNote?: string;
}

const escapeHtml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function staffAudience(kind: NotificationKind): boolean {
  return [
    'meeting_requested',
    'preparation_shared',
    'interpreter_asked',
    'feedback_given',
    'round_unbooked',
    'erasure_requested',
    'digest',
  ].includes(kind);
}

// ------------------------------------------------------------------------------------------
// Per kind
// ------------------------------------------------------------------------------------------

function compose(input: RenderInput, lang: Locale, t: TFunction, f: Facts): Composed {
  const fmt = formats(lang, t);
  const k = input.kind;
  const children = f.children ?? [];
  const childLine = (): Line[] =>
    children.length ? [{ label: t('notify:label.children', { count: children.length }), value: fmt.list(children) }] : [];
  const place = (p: { place?: string | null | undefined; video_url?: string | null | undefined }) =>
    p.place || (p.video_url ? t('notify:value.video', { url: p.video_url }) : t('notify:value.notSet'));
  const whenPlace = (p: { starts_at?: string | null | undefined; minutes?: number | null | undefined } & Parameters<typeof place>[0]) =>
    t('notify:format.whenPlace', { when: fmt.when(p.starts_at, p.minutes), place: place(p) });
  const meetingLines = (): Line[] => [
    ...childLine(),
    ...(f.kind ? [{ label: t('notify:label.kind'), value: plainText(t(dynamicKey('meetings:kind.', f.kind))) }] : []),
    { label: t('notify:label.when'), value: fmt.when(f.starts_at, f.minutes) },
    { label: t('notify:label.where'), value: place(f) },
    ...(f.staff?.length ? [{ label: t('notify:label.with'), value: fmt.list(f.staff) }] : []),
  ];
  const parentMeeting = f.meeting ? input.url(`/${lang}/app/meetings/${f.meeting}`) : input.url(`/${lang}/app/meetings`);
  const slug = input.schoolSlug;
  const staffMeeting = f.meeting && slug ? input.url(`/${lang}/s/${slug}/admin/meetings/${f.meeting}`) : input.url(`/${lang}/app`);
  const staffRound = f.round && slug ? input.url(`/${lang}/s/${slug}/admin/meetings/rounds/${f.round}`) : input.url(`/${lang}/app`);
  const parentRound = f.round ? input.url(`/${lang}/app/meetings/rounds/${f.round}`) : input.url(`/${lang}/app/meetings`);
  const push = (text: string) => ({ text, children });
  const staffFacts = (): Line[] => [
    ...(f.parent ? [{ label: t('notify:label.parent'), value: f.parent }] : []),
    ...childLine(),
    ...(f.starts_at ? [{ label: t('notify:label.when'), value: fmt.when(f.starts_at, f.minutes) }] : []),
  ];

  switch (k) {
    case 'meeting_planned':
      return {
        subjectDate: fmt.date(f.starts_at),
        intro: [t('notify:meeting_planned.intro')],
        lines: meetingLines(),
        action: { text: t('notify:meeting_planned.action'), href: parentMeeting },
        after: [t('notify:calendar.attached')],
        calendar: { method: 'PUBLISH', facts: f },
        push: push(t('notify:meeting_planned.push', { when: fmt.when(f.starts_at) })),
        link: parentMeeting,
      };
    case 'slot_booked':
      return {
        subjectDate: fmt.date(f.starts_at),
        intro: [t('notify:slot_booked.intro')],
        lines: meetingLines(),
        action: { text: t('notify:slot_booked.action'), href: parentMeeting },
        after: [t('notify:calendar.attached')],
        calendar: { method: 'PUBLISH', facts: f },
        push: push(t('notify:slot_booked.push', { when: fmt.when(f.starts_at) })),
        link: parentMeeting,
      };
    case 'meeting_changed':
      return {
        subjectDate: fmt.date(f.starts_at),
        intro: [t(f.booked ? 'notify:meeting_changed.introBooked' : 'notify:meeting_changed.intro')],
        lines: childLine(),
        change: { was: whenPlace(f.was ?? {}), now: whenPlace(f) },
        action: { text: t('notify:meeting_changed.action'), href: parentMeeting },
        after: [t('notify:calendar.moved')],
        calendar: { method: 'PUBLISH', facts: f },
        push: push(t('notify:meeting_changed.push', { when: fmt.when(f.starts_at) })),
        link: parentMeeting,
      };
    case 'meeting_cancelled':
      return {
        subjectDate: fmt.date(f.was?.starts_at ?? f.starts_at),
        intro: [t('notify:meeting_cancelled.intro')],
        lines: [...childLine(), { label: t('notify:label.planned'), value: whenPlace(f.was ?? f) }],
        after: [t('notify:meeting_cancelled.next'), t('notify:calendar.removed')],
        action: { text: t('notify:meeting_cancelled.action'), href: input.url(`/${lang}/app/meetings`) },
        calendar: { method: 'CANCEL', facts: { ...f, ...(f.was ?? {}) } },
        push: push(t('notify:meeting_cancelled.push', { date: fmt.date(f.was?.starts_at ?? f.starts_at) })),
        link: input.url(`/${lang}/app/meetings`),
      };
    case 'meeting_reminder':
      return {
        subjectDate: fmt.date(f.starts_at),
        intro: [t('notify:meeting_reminder.intro')],
        lines: meetingLines(),
        action: {
          text: t(f.prepared ? 'notify:meeting_reminder.prepared' : 'notify:meeting_reminder.prepare'),
          href: parentMeeting,
        },
        push: push(t(f.prepared ? 'notify:meeting_reminder.push' : 'notify:meeting_reminder.pushPrepare', { when: fmt.when(f.starts_at) })),
        link: parentMeeting,
      };
    case 'round_opened':
    case 'round_reminder':
      return {
        subjectDate: fmt.date(f.deadline),
        intro: [t(`notify:${k}.intro`, { count: Math.max(children.length, 1) })],
        lines: [
          ...(f.title ? [{ label: t('notify:label.round'), value: f.title, dutch: true }] : []),
          ...childLine(),
          ...(f.first ? [{ label: t('notify:label.times'), value: roundTimes(fmt, t, f.first, f.last) }] : []),
          { label: t('notify:label.deadline'), value: fmt.when(f.deadline) },
        ],
        action: { text: t(`notify:${k}.action`), href: parentRound },
        push: push(t(`notify:${k}.push`, { date: fmt.date(f.deadline) })),
        link: parentRound,
      };
    case 'agreements_recorded':
      return {
        subjectDate: fmt.date(f.starts_at),
        intro: [t('notify:agreements_recorded.intro')],
        lines: [...childLine(), { label: t('notify:label.meetingOn'), value: fmt.when(f.starts_at) }],
        after: [t('notify:agreements_recorded.feedback')],
        action: { text: t('notify:agreements_recorded.action'), href: parentMeeting },
        push: push(t('notify:agreements_recorded.push')),
        link: parentMeeting,
      };
    case 'needs_round_closed':
      return {
        subjectDate: '',
        intro: [t('notify:needs_round_closed.intro', { count: Math.max(children.length, 1) })],
        lines: [...childLine(), ...(f.goal ? [{ label: t('notify:label.goal'), value: f.goal, dutch: true }] : [])],
        action: { text: t('notify:needs_round_closed.action', { count: Math.max(children.length, 1) }), href: input.url(`/${lang}/app`) },
        push: push(t('notify:needs_round_closed.push')),
        link: input.url(`/${lang}/app`),
      };
    case 'erasure_answered': {
      const declined = f.outcome === 'declined';
      const myData = input.url(`/${lang}/app/my-data`);
      return {
        subjectDate: '',
        intro: [t(declined ? 'notify:erasure_answered.declined' : 'notify:erasure_answered.erased')],
        lines: f.reason ? [{ label: t('notify:label.reason'), value: f.reason }] : [],
        ...(declined ? { action: { text: t('notify:erasure_answered.action'), href: myData } } : {}),
        ...(declined ? {} : { after: [t('notify:erasure_answered.again')] }),
        push: push(t('notify:erasure_answered.push')),
        link: declined ? myData : null,
      };
    }
    case 'meeting_requested':
      return {
        subjectDate: '',
        intro: [t('notify:meeting_requested.intro')],
        lines: [...staffFacts(), ...(f.interpreter ? [{ label: t('notify:label.interpreter'), value: fmt.language(f.interpreter) }] : [])],
        action: { text: t('notify:meeting_requested.action'), href: staffMeeting },
        push: push(t('notify:meeting_requested.push')),
        link: staffMeeting,
      };
    case 'preparation_shared':
    case 'feedback_given':
      return {
        subjectDate: '',
        intro: [t(`notify:${k}.intro`)],
        lines: staffFacts(),
        action: { text: t(`notify:${k}.action`), href: staffMeeting },
        push: push(t(`notify:${k}.push`)),
        link: staffMeeting,
      };
    case 'interpreter_asked':
      return {
        subjectDate: '',
        intro: [t('notify:interpreter_asked.intro')],
        lines: [...staffFacts(), ...(f.language ? [{ label: t('notify:label.interpreter'), value: fmt.language(f.language) }] : [])],
        action: { text: t('notify:interpreter_asked.action'), href: staffMeeting },
        push: push(t('notify:interpreter_asked.push')),
        link: staffMeeting,
      };
    case 'round_unbooked':
      return {
        subjectDate: fmt.date(f.deadline),
        intro: [t('notify:round_unbooked.intro')],
        lines: [
          ...(f.title || f.class
            ? [{ label: t('notify:label.round'), value: [f.title, f.class ? `(${f.class})` : null].filter(Boolean).join(' '), dutch: true }]
            : []),
          { label: t('notify:label.unbooked'), value: t('notify:value.outOf', { unbooked: f.unbooked ?? 0, total: f.pupils ?? 0 }) },
          { label: t('notify:label.deadline'), value: fmt.when(f.deadline) },
        ],
        action: { text: t('notify:round_unbooked.action'), href: staffRound },
        push: push(t('notify:round_unbooked.push', { date: fmt.date(f.deadline) })),
        link: staffRound,
      };
    case 'erasure_requested': {
      const page = slug ? input.url(`/${lang}/s/${slug}/admin/erasure-requests`) : input.url(`/${lang}/app`);
      return {
        subjectDate: '',
        intro: [t('notify:erasure_requested.intro')],
        lines: [],
        action: { text: t('notify:erasure_requested.action'), href: page },
        push: push(t('notify:erasure_requested.push')),
        link: page,
      };
    }
    case 'digest': {
      const { digestItem } = factSchemas();
      const items = z.array(digestItem).catch([]).parse(input.payload.items);
      const sections: Section[] = items.map((item) => {
        const sub = digestItem.shape.payload.parse(item.payload);
        const itemSlug = item.slug ?? slug;
        const href =
          sub.meeting && itemSlug
            ? input.url(`/${lang}/s/${itemSlug}/admin/meetings/${sub.meeting}`)
            : itemSlug
              ? input.url(`/${lang}/s/${itemSlug}/admin/meetings`)
              : input.url(`/${lang}/app`);
        const subChildren = sub.children ?? [];
        return {
          heading: t(dynamicKey('notify:digest.item.', item.kind), { defaultValue: t('notify:digest.item.other') }),
          lines: [
            ...(sub.parent ? [{ label: t('notify:label.parent'), value: sub.parent }] : []),
            ...(subChildren.length
              ? [{ label: t('notify:label.children', { count: subChildren.length }), value: fmt.list(subChildren) }]
              : []),
            ...(sub.starts_at ? [{ label: t('notify:label.when'), value: fmt.when(sub.starts_at, sub.minutes) }] : []),
            ...(item.kind === 'interpreter_asked' && sub.language
              ? [{ label: t('notify:label.interpreter'), value: fmt.language(sub.language) }]
              : []),
            ...(item.kind === 'meeting_requested' && sub.interpreter
              ? [{ label: t('notify:label.interpreter'), value: fmt.language(sub.interpreter) }]
              : []),
          ],
          link: { text: t('notify:digest.open'), href },
        };
      });
      return {
        subjectDate: fmt.date(input.now.toISOString()),
        intro: [t('notify:digest.intro', { count: items.length })],
        lines: [],
        sections,
        push: { text: t('notify:digest.push', { count: items.length }), children: [] },
        link: input.url(`/${lang}/app`),
        footerNote: t('notify:digest.how'),
      };
    }
  }
}

function roundTimes(fmt: ReturnType<typeof formats>, t: TFunction, first: string, last: string | null | undefined): string {
  if (!last || first === last) return fmt.when(first);
  if (fmt.date(first) === fmt.date(last)) return fmt.span(first, last);
  return t('notify:format.range', { from: fmt.date(first), to: fmt.date(last) });
}

// ------------------------------------------------------------------------------------------
// The mail and the push message
// ------------------------------------------------------------------------------------------

export function renderNotification(input: RenderInput): Rendered {
  const lang: Locale = isLocale(input.locale) ? input.locale : 'nl';
  const t = getT(lang);
  const f = factSchemas().facts.parse(input.payload);
  const c = compose(input, lang, t, f);
  const staff = staffAudience(input.kind);
  const essential = isEssential(input.kind);
  const settings = input.url(`/${lang}/app/account#notifications`);
  const subject = t(`notify:${input.kind}.subject`, { date: c.subjectDate });

  // Plain text.
  const lineText = (l: Line) => `${l.label}: ${l.value}`;
  const text: string[] = [t(staff ? 'notify:greeting.staff' : 'notify:greeting.parent'), '', ...c.intro, ''];
  if (c.lines.length) text.push(...c.lines.map(lineText), '');
  if (c.change) text.push(`${t('notify:label.was')}: ${c.change.was}`, `${t('notify:label.now')}: ${c.change.now}`, '');
  for (const s of c.sections ?? []) {
    text.push(`• ${s.heading}`, ...s.lines.map((l) => `  ${lineText(l)}`));
    if (s.link) text.push(`  ${s.link.href}`);
    text.push('');
  }
  if (c.action) text.push(c.action.text, c.action.href, '');
  if (c.after?.length) text.push(...c.after, '');
  text.push(t('notify:closing'), input.schoolName, '', '-- ');
  text.push(...footer(t, input, essential, settings, c.footerNote));
  const plain = `${text
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;

  // HTML, the same content.
  const dir = dirOf(lang);
  const h = escapeHtml;
  const dutch = (l: Line) => (l.dutch ? `<span lang="nl" dir="ltr">${h(l.value)}</span>` : h(l.value));
  const linesHtml = (lines: Line[]) =>
    lines.length
      ? `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${lines
          .map(
            (l) =>
              `<tr><th scope="row" style="text-align:start;padding:2px 12px 2px 0;vertical-align:top;font-weight:600">${h(l.label)}</th><td style="padding:2px 0">${dutch(l)}</td></tr>`,
          )
          .join('')}</table>`
      : '';
  const parts: string[] = [`<p>${h(t(staff ? 'notify:greeting.staff' : 'notify:greeting.parent'))}</p>`];
  parts.push(...c.intro.map((p) => `<p>${h(p)}</p>`));
  parts.push(linesHtml(c.lines));
  if (c.change) {
    parts.push(
      `<table style="border-collapse:collapse;margin:0 0 16px"><thead><tr><th scope="col" style="text-align:start;padding:4px 12px;border:1px solid #c8d0d6">${h(t('notify:label.was'))}</th><th scope="col" style="text-align:start;padding:4px 12px;border:1px solid #c8d0d6">${h(t('notify:label.now'))}</th></tr></thead><tbody><tr><td style="padding:4px 12px;border:1px solid #c8d0d6"><s>${h(c.change.was)}</s></td><td style="padding:4px 12px;border:1px solid #c8d0d6"><strong>${h(c.change.now)}</strong></td></tr></tbody></table>`,
    );
  }
  for (const s of c.sections ?? []) {
    parts.push(`<h2 style="font-size:1rem;margin:16px 0 4px">${h(s.heading ?? '')}</h2>`, linesHtml(s.lines));
    if (s.link) parts.push(`<p><a href="${h(s.link.href)}">${h(s.link.text)}</a></p>`);
  }
  if (c.action) parts.push(`<p>${h(c.action.text)}<br><a href="${h(c.action.href)}">${h(c.action.href)}</a></p>`);
  for (const a of c.after ?? []) parts.push(`<p>${h(a)}</p>`);
  parts.push(`<p>${h(t('notify:closing'))}<br><span translate="no">${h(input.schoolName)}</span></p>`);
  const foot = footer(t, input, essential, settings, c.footerNote)
    .map((line) => h(line).replace(/https?:\/\/\S+/g, (u) => `<a href="${u}">${u}</a>`))
    .join('<br>');
  parts.push(`<hr><p style="font-size:0.875rem;color:#555">${foot}</p>`);
  const html = `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><title>${h(subject)}</title></head><body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40rem">${parts.join('')}</body></html>`;

  // Headers: one-click unsubscribe for what may be turned off (RFC 8058).
  const headers: Record<string, string> = {};
  if (!essential && input.unsubscribe) {
    headers['List-Unsubscribe'] = `<${input.unsubscribe.oneClick}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }

  // The calendar file.
  const attachments: MailAttachment[] = [];
  if (c.calendar && (CALENDAR_KINDS as readonly string[]).includes(input.kind)) {
    const cf = c.calendar.facts;
    if (cf.meeting && cf.starts_at) {
      const ics = buildIcs({
        uid: meetingUid(cf.meeting),
        start: new Date(cf.starts_at),
        minutes: cf.minutes ?? 15,
        summary: cf.kind
          ? t('notify:calendar.summary', { kind: t(dynamicKey('meetings:kind.', cf.kind)), school: input.schoolName })
          : input.schoolName,
        description: [t('notify:calendar.description', { school: input.schoolName }), c.link ?? ''].filter(Boolean).join('\n'),
        location: cf.place || cf.video_url || null,
        url: c.link,
        now: input.now,
        sequence: f.sequence ?? 0,
        method: c.calendar.method,
        alarm: { minutesBefore: 60, description: t('notify:calendar.alarm') },
        organizer: input.organizer ?? null,
      });
      attachments.push({
        filename: 'meeting.ics',
        contentType: `text/calendar; charset=utf-8; method=${c.calendar.method}`,
        content: ics,
      });
    }
  }

  // Push: shorter; the child's name only when the parent allows it on the lock screen.
  const pushBody =
    input.pushNames && c.push.children.length
      ? t('notify:push.named', { names: formats(lang, t).list(c.push.children), text: c.push.text })
      : c.push.text;

  return {
    mail: { subject, text: plain, html, link: c.link, headers, attachments },
    push: {
      title: input.schoolName,
      body: pushBody,
      url: c.link ?? input.url(`/${lang}/app`),
      tag: `${input.kind}:${f.meeting ?? f.round ?? f.request ?? ''}`,
    },
  };
}

function footer(t: TFunction, input: RenderInput, essential: boolean, settings: string, note?: string): string[] {
  const lines = [t('notify:footer.why', { school: input.schoolName })];
  if (note) lines.push(note);
  if (essential) {
    if (input.kind !== 'digest') lines.push(t('notify:footer.essential'));
    if (input.kind !== 'erasure_answered' || input.payload.outcome === 'declined')
      lines.push(t('notify:footer.settings', { url: settings }));
    return lines;
  }
  lines.push(t('notify:footer.settings', { url: settings }));
  if (input.unsubscribe) lines.push(t('notify:footer.unsubscribe', { url: input.unsubscribe.page }));
  return lines;
}
