/**
 * Meetings between school and home (DOMAIN §3): the kinds of meeting, what a parent prepares
 * screen by screen (each with choices stored as ids, named per language in the `meetings`
 * namespace, and free text in any language), the child's own part, phrase cards, feedback (tops
 * and tips, 4G). The SQL knows the same lists (private.meeting_kinds() …, tied by a schema test).
 */

export const MEETING_KINDS = ['introduction', 'progress', 'report', 'extra-support', 'other'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** The parent's screens, in order; the first shows the meeting's kind and goal, the last reviews and shares. */
export const PREP_TOPICS = ['strengths', 'tell', 'ask', 'child-needs', 'parent-needs', 'other'] as const;
export type PrepTopic = (typeof PREP_TOPICS)[number];

/** The choices each screen offers (a picture and a phrase per language); "other" is free text only. */
export const PREP_CHOICES = {
  strengths: ['kind', 'curious', 'friends', 'reading', 'numbers', 'moving', 'creative', 'helps-others'],
  tell: ['at-home', 'health', 'sleep', 'feelings', 'languages', 'hobbies', 'big-change'],
  ask: ['how-is-it-going', 'friends-at-school', 'learning', 'behaviour', 'homework', 'help-at-home', 'next-steps'],
  'child-needs': ['more-challenge', 'more-help', 'calm', 'structure', 'encouragement', 'practice-at-home', 'reading-together'],
  'parent-needs': ['interpreter', 'clear-language', 'more-contact', 'in-writing', 'other-time'],
  other: [],
} as const satisfies Record<PrepTopic, readonly string[]>;
export type PrepChoice = (typeof PREP_CHOICES)[PrepTopic][number];
export const ALL_PREP_CHOICES: readonly PrepChoice[] = [...new Set(Object.values(PREP_CHOICES).flat())];

/** What a pupil prepares for a meeting, in class mode, with pictures. */
export const PUPIL_PREP_PARTS = ['goes-well', 'hard', 'want-to-say'] as const;
export type PupilPrepPart = (typeof PUPIL_PREP_PARTS)[number];
export const PUPIL_PREP_CHOICES = {
  'goes-well': ['reading', 'writing', 'numbers', 'playing', 'friends', 'drawing', 'moving', 'listening'],
  hard: ['reading', 'writing', 'numbers', 'playing', 'friends', 'drawing', 'moving', 'listening'],
  'want-to-say': ['happy', 'proud', 'worried', 'bored', 'tired', 'want-help'],
} as const satisfies Record<PupilPrepPart, readonly string[]>;
export const ALL_PUPIL_PREP_CHOICES = [...new Set(Object.values(PUPIL_PREP_CHOICES).flat())] as const;
/** Who will be at the meeting, as a child sees it. */
export const WHO_IDS = ['me', 'parent', 'teacher', 'coach', 'interpreter'] as const;
export type WhoId = (typeof WHO_IDS)[number];

/** Seen, heard, valued: each answered yes, partly or no. */
export const FOUR_G_QUESTIONS = ['seen', 'heard', 'valued'] as const;
export type FourGQuestion = (typeof FOUR_G_QUESTIONS)[number];
export const FOUR_G_ANSWERS = ['yes', 'partly', 'no'] as const;
export type FourGAnswer = (typeof FOUR_G_ANSWERS)[number];

/** Phrase cards: a sentence in the parent's language beside the Dutch, to show or play in the meeting. */
export const PHRASES = [
  'slower',
  'repeat',
  'not-understood',
  'how-doing',
  'help-at-home',
  'write-down',
  'interpreter-next',
  'next-meeting',
  'worried',
  'proud',
  'thanks',
] as const;
export type PhraseId = (typeof PHRASES)[number];

/** The pictures of meetings' screens (kinds, choices, who, answers): `m-<id>`, drawn in src/pictograms/art.ts. */
export const MEETING_PICTOGRAMS = [
  'm-introduction',
  'm-progress',
  'm-report',
  'm-extra-support',
  'm-other',
  'm-kind',
  'm-curious',
  'm-friends',
  'm-reading',
  'm-numbers',
  'm-moving',
  'm-creative',
  'm-helps-others',
  'm-at-home',
  'm-health',
  'm-sleep',
  'm-feelings',
  'm-languages',
  'm-hobbies',
  'm-big-change',
  'm-how-is-it-going',
  'm-friends-at-school',
  'm-learning',
  'm-behaviour',
  'm-homework',
  'm-help-at-home',
  'm-next-steps',
  'm-more-challenge',
  'm-more-help',
  'm-calm',
  'm-structure',
  'm-encouragement',
  'm-practice-at-home',
  'm-reading-together',
  'm-interpreter',
  'm-clear-language',
  'm-more-contact',
  'm-in-writing',
  'm-other-time',
  'm-writing',
  'm-playing',
  'm-drawing',
  'm-listening',
  'm-happy',
  'm-proud',
  'm-worried',
  'm-bored',
  'm-tired',
  'm-want-help',
  'm-me',
  'm-parent',
  'm-teacher',
  'm-coach',
  'm-yes',
  'm-partly',
  'm-no',
] as const;
export type MeetingPictogramId = (typeof MEETING_PICTOGRAMS)[number];

/** Limits shared with the SQL checks. */
export const MEETING_LIMITS = {
  goal: 200,
  place: 120,
  videoUrl: 300,
  attendees: 200,
  reason: 300,
  interpreter: 60,
  companion: 120,
  text: 1000,
  agreement: 300,
  agreementWho: 80,
  feedback: 300,
  minutes: { min: 5, max: 240 },
  slotsPerRound: 300,
  pupilsPerMeeting: 6,
} as const;

/** The school's time zone: every date is shown and every calendar file is written in it. */
export const SCHOOL_TIME_ZONE = 'Europe/Amsterdam';

export const isPrepTopic = (v: unknown): v is PrepTopic => typeof v === 'string' && (PREP_TOPICS as readonly string[]).includes(v);

/** A parent's answer on one screen: choices (ids of that screen) and free text in a language. */
export interface PrepAnswer {
  choices: string[];
  text: string;
  lang: string;
}
export type PrepAnswers = Partial<Record<PrepTopic, PrepAnswer>>;

/** Keeps only what a screen offers: known choices of that screen, each once, text within the limit. */
export function cleanAnswers(raw: unknown): PrepAnswers {
  const out: PrepAnswers = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const topic of PREP_TOPICS) {
    const a = (raw as Record<string, unknown>)[topic] as Partial<PrepAnswer> | undefined;
    if (!a || typeof a !== 'object') continue;
    const offered = PREP_CHOICES[topic] as readonly string[];
    const choices = Array.isArray(a.choices)
      ? [...new Set(a.choices.filter((c): c is string => typeof c === 'string' && offered.includes(c)))]
      : [];
    const text = typeof a.text === 'string' ? a.text.slice(0, MEETING_LIMITS.text) : '';
    const lang = typeof a.lang === 'string' && /^[a-z]{2}$/.test(a.lang) ? a.lang : '';
    if (choices.length || text) out[topic] = { choices, text, lang };
  }
  return out;
}

/** How far along a preparation is: the screens with something in them, of all screens. */
export function preparationProgress(answers: PrepAnswers): { done: number; total: number } {
  return { done: PREP_TOPICS.filter((t) => answers[t]?.choices.length || answers[t]?.text).length, total: PREP_TOPICS.length };
}

export interface Slot {
  starts_at: string;
  minutes: number;
  teacher: string;
}

/**
 * The slots of a meeting round: per day, from start to end, `minutes` each, with a break of
 * `breakMinutes` after every `breakEvery` slots; one row of slots per teacher. Times are wall-clock
 * times in the school's time zone, turned into instants here.
 */
export function buildSlots(input: {
  days: string[];
  from: string;
  to: string;
  minutes: number;
  breakEvery: number;
  breakMinutes: number;
  teachers: string[];
}): Slot[] {
  const slots: Slot[] = [];
  const toMinutes = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h! * 60 + m!;
  };
  const start = toMinutes(input.from);
  const end = toMinutes(input.to);
  for (const day of input.days) {
    for (const teacher of input.teachers) {
      let t = start;
      let n = 0;
      while (t + input.minutes <= end) {
        slots.push({ starts_at: zonedInstant(day, t), minutes: input.minutes, teacher });
        t += input.minutes;
        n += 1;
        if (input.breakEvery > 0 && n % input.breakEvery === 0) t += input.breakMinutes;
      }
    }
  }
  return slots;
}

/** The instant of a wall-clock time (minutes after midnight) on a date in the school's time zone. */
export function zonedInstant(date: string, minutes: number): string {
  const [y, mo, d] = date.split('-').map(Number);
  const guess = Date.UTC(y!, mo! - 1, d!, Math.floor(minutes / 60), minutes % 60);
  // The zone's offset at that moment, then once more at the corrected moment (daylight saving).
  const offset = (at: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: SCHOOL_TIME_ZONE,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(at);
    const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - at;
  };
  let at = guess - offset(guess);
  at = guess - offset(at);
  return new Date(at).toISOString();
}
