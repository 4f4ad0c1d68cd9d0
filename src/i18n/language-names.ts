import { intlLocale } from './format.ts';
import type { Locale } from './locales.ts';

/**
 * A language's name in the reader's language (Intl), with the portal's own words where Intl's
 * are not what a reader says: Turkish-Dutch parents call Dutch "Hollandaca" (docs/translation.md),
 * never Intl's "Felemenkçe".
 */
const OWN: Partial<Record<Locale, Record<string, string>>> = {
  tr: { nl: 'Hollandaca' },
};
const cache = new Map<Locale, Intl.DisplayNames>();

export function languageName(code: string, reader: Locale): string {
  const own = OWN[reader]?.[code];
  if (own) return own;
  let names = cache.get(reader);
  if (!names) {
    names = new Intl.DisplayNames([intlLocale(reader)], { type: 'language', fallback: 'code' });
    cache.set(reader, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}
