import { DEFAULT_LOCALE, isLocale, type Locale } from './locales.ts';

export const LOCALE_COOKIE = 'lang';

interface Preference {
  tag: string;
  q: number;
  order: number;
}

/** Parses an Accept-Language header into tags, best first (RFC 9110 §12.5.4). */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  const prefs: Preference[] = [];
  header.split(',').forEach((part, order) => {
    const [rawTag, ...params] = part.trim().split(';');
    const tag = rawTag?.trim().toLowerCase();
    if (!tag) return;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'q' && v !== undefined) {
        const n = Number(v);
        q = Number.isFinite(n) ? n : 0;
      }
    }
    if (q > 0) prefs.push({ tag, q, order });
  });
  prefs.sort((a, b) => b.q - a.q || a.order - b.order);
  return prefs.map((p) => p.tag);
}

/** The first supported locale among the browser's preferences (matching on the primary subtag). */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  for (const tag of parseAcceptLanguage(header)) {
    const primary = tag.split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return undefined;
}

/** Saved choice first, then the browser's languages, then Dutch. */
export function negotiateLocale(input: { cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(input.cookie)) return input.cookie;
  return localeFromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE;
}

/** The locale a path starts with, if any: `/ar/leaflets` → `ar`. */
export function localeOfPath(pathname: string): Locale | undefined {
  const first = pathname.split('/')[1];
  return isLocale(first) ? first : undefined;
}

/** The same page in another locale: `/ar/x?y` → `/pl/x?y`. Paths without a locale get one. */
export function switchLocalePath(pathname: string, to: Locale): string {
  const segments = pathname.split('/');
  if (isLocale(segments[1])) {
    segments[1] = to;
    return segments.join('/');
  }
  return `/${to}${pathname.startsWith('/') ? '' : '/'}${pathname}`;
}
