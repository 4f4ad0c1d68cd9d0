import { createHash } from 'node:crypto';

/**
 * A short-lived cache of public pages (the published leaflets a parent reads), so a leaflet
 * under load costs about what a static file costs. Only anonymous GETs are cached, per path;
 * an entry lives CACHE_SECONDS at most and is dropped at once when this server publishes,
 * unpublishes or restores a leaflet or changes a school's details. Other server processes
 * sharing the database learn of it within seconds (public-pages-version.ts). A hit is answered
 * before Astro's pipeline runs, by the request handler in scripts/serve.mjs (fast-path.ts).
 */
const CACHE_SECONDS = 30;
const MAX_ENTRIES = 1000;

export interface Entry {
  epoch: number;
  expires: number;
  status: number;
  headers: [string, string][];
  body: Uint8Array;
  etag: string;
}

const entries = new Map<string, Entry>();
let epoch = 0;

/** Something public changed: every cached page is stale. */
export function invalidatePublicPages(): void {
  epoch++;
  entries.clear();
}

/** The stored entry for a key, while it is fresh. */
export function cachedEntry(key: string): Entry | null {
  const entry = entries.get(key);
  if (!entry) return null;
  if (entry.epoch !== epoch || entry.expires < Date.now()) {
    entries.delete(key);
    return null;
  }
  return entry;
}

export function cachedPage(key: string): Response | null {
  const entry = cachedEntry(key);
  return entry ? new Response(entry.body as Uint8Array<ArrayBuffer>, { status: entry.status, headers: entry.headers }) : null;
}

/**
 * The cache key of a public page: the path, the one query parameter these pages read (a
 * leaflet's `view=both`), and whether the body is gzipped. Any other query is not part of the
 * page, so it is not part of the key: `?junk=1` … `?junk=1000` are one entry, not a thousand
 * that push the real pages out (issue 18).
 */
export function pageKey(pathname: string, search: string, acceptEncoding: string | null): string {
  // The same reading as the leaflet page's (its first `view`).
  const query = new URLSearchParams(search).get('view') === 'both' ? '?view=both' : '';
  return `${/\bgzip\b/.test(acceptEncoding ?? '') ? 'gz ' : ''}${pathname}${query}`;
}

/** How many pages the cache holds (for tests and the operations page). */
export function cachedCount(): number {
  return entries.size;
}

/**
 * Browsers and any CDN in front may keep a public page but must ask again each time (cheap: the
 * ETag answers 304 when nothing changed), so a published change reaches every reader at once.
 */
export const PUBLIC_CACHE_CONTROL = 'public, no-cache';

/**
 * A response is stored only when it is the same for every anonymous reader: a 200 that sets no
 * cookie and that no one marked private. (A signed-in reader's page says no-store; one that set a
 * cookie carries something of one visitor.)
 */
export function storable(response: Response): boolean {
  const control = response.headers.get('cache-control') ?? '';
  return response.status === 200 && !response.headers.has('set-cookie') && !/\b(no-store|private)\b/i.test(control);
}

/** Stores a copy of a storable response and returns a fresh one to send; anything else passes through. */
export async function storePage(key: string, response: Response): Promise<Response> {
  if (!storable(response)) return response;
  const body = new Uint8Array(await response.arrayBuffer());
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  response.headers.set('ETag', etag);
  response.headers.set('Cache-Control', PUBLIC_CACHE_CONTROL);
  const headers = [...response.headers.entries()].filter(([name]) => name !== 'content-length');
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, { epoch, expires: Date.now() + CACHE_SECONDS * 1000, status: response.status, headers, body, etag });
  const fresh = new Response(body as Uint8Array<ArrayBuffer>, { status: response.status, headers: response.headers });
  return fresh;
}

/** Public leaflet pages: `/[lang]/s/[school]/leaflets` and `/[lang]/s/[school]/leaflets/[slug]`. */
export function isCacheablePath(pathname: string): boolean {
  return /^\/[a-z]{2}\/s\/[a-z0-9-]{1,40}\/leaflets(\/[a-z0-9-]{1,60})?\/?$/.test(pathname);
}
