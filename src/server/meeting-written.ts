import type { RpcResult } from '~/domain/rpc/index.ts';
import { type Locale, SOURCE_LOCALE } from '~/i18n/locales.ts';
import type { WrittenItem } from './written-translation.ts';

/**
 * The written texts of a meeting, as src/server/written-translation.ts takes them: what staff wrote
 * (its goal, place and who attends; agreements and who does them), and what a parent wrote (the
 * reason for asking, who comes along, a preparation, feedback), each with where it is stored and a
 * hint for its language (the school writes Dutch; a parent writes their page's language).
 */
type Meeting = RpcResult<'meeting_detail'>[number];

export function factTexts(meeting: Meeting): Record<'goal' | 'place' | 'attendees' | 'request_reason', WrittenItem | null> {
  const ref = (field: string) => ({ source: 'meeting' as const, field, meeting: meeting.meeting_id });
  const asker = meeting.people.find((p) => p.role === 'parent')?.locale ?? null;
  return {
    goal: meeting.goal ? { ref: ref('goal'), text: meeting.goal, hint: SOURCE_LOCALE } : null,
    place: meeting.place ? { ref: ref('place'), text: meeting.place, hint: SOURCE_LOCALE } : null,
    attendees: meeting.attendees ? { ref: ref('attendees'), text: meeting.attendees, hint: SOURCE_LOCALE } : null,
    request_reason: meeting.request_reason ? { ref: ref('request_reason'), text: meeting.request_reason, hint: asker } : null,
  };
}

export function agreementTexts(agreements: RpcResult<'meeting_agreements'>): Record<string, WrittenItem> {
  const out: Record<string, WrittenItem> = {};
  for (const a of agreements) {
    out[`${a.agreement_id}:text`] = {
      ref: { source: 'agreement', field: 'text', agreement: a.agreement_id },
      text: a.text,
      hint: SOURCE_LOCALE,
    };
    if (a.who)
      out[`${a.agreement_id}:who`] = {
        ref: { source: 'agreement', field: 'who', agreement: a.agreement_id },
        text: a.who,
        hint: SOURCE_LOCALE,
      };
  }
  return out;
}

export function pupilWords(meetingId: string, parts: RpcResult<'meeting_pupil_preparations'>): Record<string, WrittenItem> {
  return Object.fromEntries(
    parts
      .filter((p) => p.words)
      .map((p) => [
        p.pupil_id,
        {
          ref: { source: 'pupil_part' as const, field: 'words', meeting: meetingId, pupil: p.pupil_id },
          text: p.words,
          hint: SOURCE_LOCALE,
        },
      ]),
  );
}

/** A parent's page language, for their texts (a hint only: their letters decide first). */
export function localeOf(meeting: Meeting, userId: string): Locale | null {
  return meeting.people.find((p) => p.user_id === userId)?.locale ?? null;
}

/**
 * What the parents wrote for the school: each shared preparation's words per screen
 * (`<user id>:<topic>`, in the language the parent chose), who comes along (`<user id>`), and named
 * feedback (`feedback:<n>:top|tip`; anonymous feedback is never sent anywhere: it stays as written).
 */
export function parentTexts(
  meeting: Meeting,
  preps: RpcResult<'meeting_preparations'>,
  feedback: RpcResult<'meeting_feedback'>,
): Record<string, WrittenItem> {
  const out: Record<string, WrittenItem> = {};
  for (const p of preps) {
    const answers = p.answers as Record<string, { text?: unknown; lang?: unknown } | undefined>;
    for (const [topic, a] of Object.entries(answers)) {
      if (typeof a?.text !== 'string' || !a.text.trim()) continue;
      out[`${p.user_id}:${topic}`] = {
        ref: { source: 'preparation', field: topic, meeting: meeting.meeting_id, user: p.user_id },
        text: a.text,
        chosen: typeof a.lang === 'string' ? a.lang : null,
        hint: localeOf(meeting, p.user_id),
      };
    }
  }
  for (const p of meeting.people) {
    if (p.role !== 'parent' || !p.companion) continue;
    out[p.user_id] = {
      ref: { source: 'wish', field: 'companion', meeting: meeting.meeting_id, user: p.user_id },
      text: p.companion,
      hint: p.locale,
    };
  }
  feedback.forEach((f, n) => {
    if (!f.author) return;
    for (const field of ['top', 'tip'] as const) {
      const text = f[field];
      if (text) out[`feedback:${n}:${field}`] = { ref: { source: 'feedback', field, meeting: meeting.meeting_id }, text };
    }
  });
  return out;
}
