import type { AstroCookies } from 'astro';
import { z } from 'zod';
import { jsonCookie } from './json-cookie.ts';

/** An invitation being redeemed while its person signs in for the first time. */
const pending = jsonCookie(
  'portal_join',
  z.object({ code: z.string().max(40), name: z.string().max(80), school: z.string().max(40).nullable() }),
  30 * 60,
);
export type PendingJoin = { code: string; name: string; school: string | null };

export const setPendingJoin = (cookies: AstroCookies, url: URL, value: PendingJoin) => pending.set(cookies, url, value);

/** Reads the pending invitation once. */
export function takePendingJoin(cookies: AstroCookies): PendingJoin | null {
  const value = pending.get(cookies);
  pending.clear(cookies);
  return value;
}
