import { serializeCookieHeader } from './cookies.ts';
import type { Config } from './config.ts';
import { LOCALE_COOKIE } from '~/i18n/negotiate.ts';
import { cachedEntry, PUBLIC_CACHE_CONTROL, pageKey } from './page-cache.ts';
import { cacheMayAnswer, localeToRemember } from './public-page-rules.ts';
import { cookiesSecure, hostAllowed } from './site.ts';

/**
 * The answer to a cached public page (a published leaflet, a school's list) before Astro's
 * pipeline runs: scripts/serve.mjs asks this first for every request and hands the rest to Astro.
 * It answers only what the pipeline would have answered from the cache itself (publicPages in
 * src/middleware.ts, by the same rules: public-page-rules.ts), on a known host, whose copy is in
 * the cache and fresh. Everything else — a miss, a
 * signed-in reader, any other page — goes through Astro as before.
 *
 * It lives in the bundle and is handed to serve.mjs through a global symbol, so the one cache and
 * the one set of rules serve both ways in.
 */
export interface FastRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}
export interface FastAnswer {
  status: number;
  headers: [string, string][];
  body: Uint8Array | null;
}

const KEY = Symbol.for('portal.fastPath');
const ONE_YEAR = 60 * 60 * 24 * 365;
const header = (req: FastRequest, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? null);
};

export function fastPath(mode: Config['mode'], req: FastRequest): FastAnswer | null {
  const q = req.url.indexOf('?');
  const pathname = q === -1 ? req.url : req.url.slice(0, q);
  const search = q === -1 ? '' : req.url.slice(q);
  const cookie = header(req, 'cookie');
  if (!cacheMayAnswer(mode, { method: req.method, pathname, cookieHeader: cookie })) return null;
  const host = header(req, 'host');
  if (!host) return null;
  let url: URL;
  try {
    url = new URL(`http://${host}${pathname}`);
  } catch {
    return null;
  }
  if (!hostAllowed(url.hostname)) return null;
  const entry = cachedEntry(pageKey(pathname, search, header(req, 'accept-encoding')));
  if (!entry) return null;

  const headers = [...entry.headers];
  // The reader's language is remembered as on every page read (not part of what is stored).
  const lang = localeToRemember(pathname, cookie);
  if (lang) {
    headers.push([
      'set-cookie',
      serializeCookieHeader(LOCALE_COOKIE, lang, {
        path: '/',
        maxAge: ONE_YEAR,
        httpOnly: true,
        sameSite: 'lax',
        secure: cookiesSecure(url),
      }),
    ]);
  }
  if (header(req, 'if-none-match') === entry.etag) {
    return {
      status: 304,
      headers: [
        ['etag', entry.etag],
        ['cache-control', PUBLIC_CACHE_CONTROL],
        ['vary', 'Accept-Encoding'],
      ],
      body: null,
    };
  }
  headers.push(['content-length', String(entry.body.byteLength)]);
  return { status: entry.status, headers, body: req.method === 'HEAD' ? null : entry.body };
}

/** Offers the fast path to scripts/serve.mjs. */
export function installFastPath(mode: Config['mode']): void {
  (globalThis as Record<symbol, unknown>)[KEY] = (req: FastRequest) => fastPath(mode, req);
}
