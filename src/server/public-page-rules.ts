import { parseCookieHeader } from './cookies.ts';
import { LOCALE_COOKIE, localeOfPath } from '~/i18n/negotiate.ts';
import { requestHasSession } from './backend.ts';
import type { Config } from './config.ts';
import { FLASH_COOKIE } from './flash.ts';
import { isCacheablePath } from './page-cache.ts';

/**
 * The rules for answering a public page (a published leaflet, a school's list) from the short-lived
 * cache in page-cache.ts, in one place. Two callers ask them: scripts/serve.mjs before Astro's
 * pipeline (fast-path.ts) and the pipeline itself (publicPages in src/middleware.ts), so a page is
 * served from the cache by exactly the same rules whichever way the request comes in.
 */
export interface PublicRead {
  method: string;
  pathname: string;
  cookieHeader: string | null;
}

/**
 * Whether the cache may answer: a GET or HEAD of a public page by a reader with no session of the
 * running mode and no one-time message waiting (a flash belongs to one visitor and must be shown).
 */
export function cacheMayAnswer(mode: Config['mode'], read: PublicRead): boolean {
  if (read.method !== 'GET' && read.method !== 'HEAD') return false;
  if (!isCacheablePath(read.pathname)) return false;
  if (parseCookieHeader(read.cookieHeader ?? '').some((c) => c.name === FLASH_COOKIE)) return false;
  return !requestHasSession(mode, read.cookieHeader);
}

/**
 * The language a public page's reader should have remembered (the page's own), or null when the
 * page has none or the reader's cookie already says it. A stored page never carries this cookie:
 * each caller adds it to what it sends.
 */
export function localeToRemember(pathname: string, cookieHeader: string | null): string | null {
  const lang = localeOfPath(pathname);
  if (!lang) return null;
  const known = parseCookieHeader(cookieHeader ?? '').some((c) => c.name === LOCALE_COOKIE && c.value === lang);
  return known ? null : lang;
}
