import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AstroCookies } from 'astro';
import type { Refused } from '~/actions/define.ts';
import { openBytes, sealBytes } from './once.ts';
import { cookieSecurity } from './port.ts';

/**
 * A refused form ends, like an accepted one, in a redirect (post → redirect → get), so that a
 * reload shows the page again instead of posting the form a second time. What the refusal says
 * and what was typed cross the redirect sealed (AES-256-GCM with the server's secret, compressed)
 * in HttpOnly cookies on the page's own path, bound to the person who typed it, for two minutes.
 * The redirect's address carries an opaque id (`?refused=…`): that address shows the refusal
 * (a reload still shows what was typed), the page's own address does not (a link such as "not
 * yet" leaves the refusal behind), and an accepted form on the page forgets it. Several servers share the secret, so it works behind any of them. What does not
 * fit (more than four cookies' worth) is answered as before: the page rendered on the post.
 * Secret fields (passwords) are never among the values (see define.ts).
 */
const PREFIX = 'portal_refused_';
const CHUNK = 3800;
const MAX_CHUNKS = 4;
const MAX_AGE_SECONDS = 120;

export const REFUSED_PARAM = 'refused';

interface Kept {
  /** Whose refusal this is ('' for no one signed in). */
  u: string;
  /** The id its address carries. */
  i: string;
  /** The action's name. */
  a: string;
  r: Refused;
}

// Compressed, then sealed as once.ts seals what a page shows once.
const seal = (secret: Buffer, plain: string) => sealBytes(secret, deflateRawSync(Buffer.from(plain, 'utf8')));

function open(secret: Buffer, sealed: string): string | null {
  const bytes = openBytes(secret, sealed);
  if (!bytes) return null;
  try {
    return inflateRawSync(bytes).toString('utf8');
  } catch {
    return null;
  }
}

export interface RefusalScope {
  cookies: AstroCookies;
  url: URL;
  secret: Buffer;
  userId: string | null;
}

/**
 * Keeps the refusal for the page's address returned (the page with `?refused=<id>`); null when
 * it is too large to keep.
 */
export function keepRefusal(scope: RefusalScope, page: string, action: string, refused: Refused): string | null {
  const id = randomBytes(6).toString('hex');
  const sealed = seal(scope.secret, JSON.stringify({ u: scope.userId ?? '', i: id, a: action, r: refused } satisfies Kept));
  const chunks = Math.ceil(sealed.length / CHUNK);
  if (chunks > MAX_CHUNKS) return null;
  const options = { ...cookieSecurity(scope.url), path: scope.url.pathname, maxAge: MAX_AGE_SECONDS };
  for (let i = 0; i < MAX_CHUNKS; i++) {
    if (i < chunks) scope.cookies.set(`${PREFIX}${i}`, sealed.slice(i * CHUNK, (i + 1) * CHUNK), options);
    else if (scope.cookies.has(`${PREFIX}${i}`)) scope.cookies.delete(`${PREFIX}${i}`, { path: scope.url.pathname });
  }
  return `${page}${page.includes('?') ? '&' : '?'}${REFUSED_PARAM}=${id}`;
}

/** The refusal kept for this address and this person; null when there is none. */
export function takeRefusal(scope: RefusalScope): { action: string; refused: Refused } | null {
  const asked = scope.url.searchParams.get(REFUSED_PARAM);
  if (!asked || !scope.cookies.has(`${PREFIX}0`)) return null;
  let sealed = '';
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = scope.cookies.get(`${PREFIX}${i}`)?.value;
    if (part) sealed += part;
  }
  const plain = open(scope.secret, sealed);
  if (!plain) return null;
  try {
    const kept = JSON.parse(plain) as Kept;
    if (kept.u !== (scope.userId ?? '') || kept.i !== asked || typeof kept.a !== 'string' || kept.r?.ok !== false) return null;
    return { action: kept.a, refused: kept.r };
  } catch {
    return null;
  }
}

/** A form on this page was accepted: what an earlier refusal kept goes. */
export function forgetRefusal(cookies: AstroCookies, url: URL): void {
  for (let i = 0; i < MAX_CHUNKS; i++) {
    if (cookies.has(`${PREFIX}${i}`)) cookies.delete(`${PREFIX}${i}`, { path: url.pathname });
  }
}
