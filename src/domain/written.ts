import { LOCALE_CODES, type Locale } from '~/i18n/locales.ts';

/**
 * What people write, and the language it is in (issue 19, docs/translation.md "What people
 * write"). Every text a person writes for someone else (a parent's answer, the reason for a
 * request, an agreement, a round's title…) is named by a reference to its own row, so its
 * translations can be stored with it and removed with it (supabase/migrations/…_written_translations.sql).
 */

/** The kinds of text that are translated, as the SQL knows them (translations.source). */
export const WRITTEN_SOURCES = [
  'meeting',
  'agreement',
  'wish',
  'preparation',
  'feedback',
  'pupil_part',
  'slot_round',
  'need_round',
  'erasure_request',
] as const;
export type WrittenSource = (typeof WRITTEN_SOURCES)[number];

/** Which text: its kind, its part of the row (for a preparation: the screen), and the row's keys. */
export interface WrittenRef {
  source: WrittenSource;
  field: string;
  meeting?: string;
  agreement?: string;
  /** The parent of a wish or a preparation, the author of feedback. */
  user?: string;
  pupil?: string;
  /** A meeting round's or a needs round's id. */
  round?: string;
  request?: string;
}

/** The one row id a text is found by (stored_translations' `p_refs`). */
export function refId(ref: WrittenRef): string {
  switch (ref.source) {
    case 'agreement':
      return ref.agreement!;
    case 'slot_round':
    case 'need_round':
      return ref.round!;
    case 'erasure_request':
      return ref.request!;
    default:
      return ref.meeting!;
  }
}

/** The key stored_translations returns for a text (null for feedback, which is matched by its words). */
export function refKey(ref: WrittenRef): string | null {
  switch (ref.source) {
    case 'meeting':
      return ref.meeting!;
    case 'agreement':
      return ref.agreement!;
    case 'wish':
    case 'preparation':
      return ref.user!;
    case 'pupil_part':
      return ref.pupil!;
    case 'slot_round':
    case 'need_round':
      return ref.round!;
    case 'erasure_request':
      return ref.request!;
    case 'feedback':
      return null;
  }
}

const LATIN: readonly Locale[] = ['nl', 'en', 'pl', 'tr'];

// Short, frequent words that tell the Latin-script languages apart (a Dutch "de" is also Turkish:
// it counts for both). Letters only one of them uses count more.
const WORDS: Record<'nl' | 'en' | 'pl' | 'tr', ReadonlySet<string>> = {
  nl: new Set(
    'de het een en is van ik niet met op te dat die ze hij zij wij we je u uw voor ook graag heel wat hoe thuis kind school leest maar nog wel al er om naar bij'.split(
      ' ',
    ),
  ),
  en: new Set(
    'the and is of to my he she it with not at we you your for are this that was have has can school child reads but very'.split(' '),
  ),
  pl: new Set('i w nie się jest na z że to do jak czy mój moja moje dziecko szkoła bardzo ale lubi jestem mam tak co po od'.split(' ')),
  tr: new Set('ve bir bu çok için ile da de ne mi ben benim okul çocuk değil var yok ama gibi daha çocuğum okulda evde'.split(' ')),
};
const LETTERS: Record<'pl' | 'tr', RegExp> = {
  pl: /[ąćęłńśźżĄĆĘŁŃŚŹŻ]/gu,
  tr: /[ğışİĞŞ]/gu,
};

/**
 * The language a text is written in: what the writer chose, when the text's letters fit that
 * choice; otherwise what the letters say (Arabic script: Arabic; Cyrillic: Ukrainian; Latin: the
 * language whose common words and letters it has most of, the writer's page language on a tie,
 * else Dutch, the school's language). `''` when the writer said "another language" and the letters
 * do not say one of the six; null when there is nothing to translate (no letters at all).
 */
export function writtenLanguage(
  text: string,
  opts: { chosen?: string | null | undefined; hint?: Locale | null | undefined } = {},
): Locale | '' | null {
  const arabic = (text.match(/\p{Script=Arabic}/gu) ?? []).length;
  const cyrillic = (text.match(/\p{Script=Cyrillic}/gu) ?? []).length;
  const latin = (text.match(/\p{Script=Latin}/gu) ?? []).length;
  if (arabic + cyrillic + latin === 0) return /\p{L}/u.test(text) ? '' : null;
  const chosen = (LOCALE_CODES as readonly string[]).includes(opts.chosen ?? '') ? (opts.chosen as Locale) : null;
  const script = arabic >= cyrillic && arabic >= latin ? 'arabic' : cyrillic >= latin ? 'cyrillic' : 'latin';
  if (script === 'arabic') return 'ar';
  if (script === 'cyrillic') return 'uk';
  if (chosen && LATIN.includes(chosen)) return chosen;
  const words = text
    .toLocaleLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  const score = { nl: 0, en: 0, pl: 0, tr: 0 };
  for (const w of words) for (const l of LATIN as ('nl' | 'en' | 'pl' | 'tr')[]) if (WORDS[l].has(w)) score[l] += 1;
  score.pl += 2 * (text.match(LETTERS.pl) ?? []).length;
  score.tr += 2 * (text.match(LETTERS.tr) ?? []).length;
  const best = Math.max(...Object.values(score));
  if (opts.chosen === '' && best === 0) return '';
  const leaders = (LATIN as ('nl' | 'en' | 'pl' | 'tr')[]).filter((l) => score[l] === best);
  if (leaders.length === 1) return leaders[0]!;
  const hint = opts.hint && leaders.includes(opts.hint as 'nl') ? opts.hint : null;
  return hint ?? (leaders.includes('nl') ? 'nl' : leaders[0]!);
}

/** Languages a school may arrange an interpreter for (codes, named in each reader's language by Intl). */
export const INTERPRETER_LANGUAGES = [
  'ar',
  'tr',
  'pl',
  'uk',
  'en',
  'ti',
  'so',
  'fa',
  'prs',
  'ps',
  'ku',
  'ckb',
  'tzm',
  'am',
  'syr',
  'es',
  'fr',
  'pt',
  'de',
  'it',
  'bg',
  'ro',
  'ru',
  'sq',
  'bs',
  'hr',
  'sr',
  'zh',
  'vi',
  'hi',
  'ur',
  'ne',
  'ta',
] as const;
export const INTERPRETER_MODES = ['in-person', 'phone'] as const;
export type InterpreterMode = (typeof INTERPRETER_MODES)[number];
export const isInterpreterLanguage = (v: string): boolean => /^[a-z]{2,3}$/.test(v);
