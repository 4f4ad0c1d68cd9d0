/**
 * The one list of locales. Astro's i18n config, the Locale type and the set of
 * right-to-left locales are all derived from it.
 */
export const LOCALES = [
  { code: 'nl', label: 'Nederlands', dir: 'ltr' },
  { code: 'en', label: 'English', dir: 'ltr' },
  { code: 'ar', label: 'العربية', dir: 'rtl' },
  { code: 'uk', label: 'Українська', dir: 'ltr' },
  { code: 'pl', label: 'Polski', dir: 'ltr' },
  { code: 'tr', label: 'Türkçe', dir: 'ltr' },
] as const;

export type Locale = (typeof LOCALES)[number]['code'];
export type Dir = 'ltr' | 'rtl';

/** The codes, as a non-empty tuple (what `z.enum` takes). */
export const LOCALE_CODES = LOCALES.map((l) => l.code) as unknown as readonly [Locale, ...Locale[]];

/** Dutch is the source language: every text is written in Dutch first. */
export const SOURCE_LOCALE = 'nl' as const satisfies Locale;
export const DEFAULT_LOCALE: Locale = 'nl';

/** The languages a Dutch text is translated into (leaflets, machine translation). */
export type TranslationLocale = Exclude<Locale, typeof SOURCE_LOCALE>;
export const TRANSLATION_LOCALES = LOCALE_CODES.filter((l): l is TranslationLocale => l !== SOURCE_LOCALE) as unknown as readonly [
  TranslationLocale,
  ...TranslationLocale[],
];

export const RTL_LOCALES: ReadonlySet<Locale> = new Set(LOCALES.filter((l) => l.dir === 'rtl').map((l) => l.code));

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALE_CODES as readonly string[]).includes(value);
}

export function dirOf(locale: Locale): Dir {
  return RTL_LOCALES.has(locale) ? 'rtl' : 'ltr';
}

export function labelOf(locale: Locale): string {
  return LOCALES.find((l) => l.code === locale)!.label;
}
