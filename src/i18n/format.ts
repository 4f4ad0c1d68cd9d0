import type { Locale } from './locales.ts';

/**
 * The locale every `Intl` formatter is built with, chosen per language on purpose
 * (docs/translation.md, "Dates, times, numbers and lists"):
 *
 * - nl, tr, uk, pl: the language's own formats, which already use the 24-hour clock.
 * - en: British English (`en-GB`): "Sunday, 13 December 2026 at 15:30", not the American
 *   "December 13, 2026 at 3:30 PM". The texts are British and the parents live in the
 *   Netherlands, where every letter and timetable uses the 24-hour clock.
 * - ar: Western digits (`nu-latn`), as on every Dutch letter, phone number and date a parent
 *   reads, and the 24-hour clock (`hc-h23`), as in the school's letters ("15:00"), instead of
 *   "3:00 م".
 *
 * Never pass the bare language code to `Intl`: the language check refuses it in code.
 */
const INTL_LOCALES: Record<Locale, string> = {
  nl: 'nl-NL',
  en: 'en-GB',
  ar: 'ar-u-nu-latn-hc-h23',
  uk: 'uk-UA',
  pl: 'pl-PL',
  tr: 'tr-TR',
};

export function intlLocale(lang: Locale): string {
  return INTL_LOCALES[lang];
}
