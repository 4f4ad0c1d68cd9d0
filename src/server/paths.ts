import { LOCALE_CODES } from '~/i18n/locales.ts';

const BASE = 'http://portal.invalid';
// Control characters and every kind of space, as a browser might ignore or strip them when it
// reads a URL ("/\t/evil.example" is "//evil.example" to a browser), and backslashes, which
// browsers read as slashes.
const REFUSED = /[\p{Cc}\p{Cf}\p{Z}\\]/u;
const PAGES = new RegExp(`^/(?:(?:${LOCALE_CODES.join('|')})(?:/|$)|auth/)`);

/**
 * A path to return to after sign-in, only ever on this site: resolved against the site's own
 * origin, kept only when it stays there and leads to one of the portal's pages (a language's
 * pages, or sign-in's own `/auth/`). Anything else, or anything odd, gives the fallback.
 */
export function safeNext(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 300) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || REFUSED.test(next)) return fallback;
  let decoded = next;
  try {
    // Encoded the same tricks still count ("/%09/evil.example", "/%5Cevil.example").
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  if (REFUSED.test(decoded) || decoded.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || !PAGES.test(url.pathname)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
