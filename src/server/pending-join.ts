import type { AstroCookies } from 'astro';
import { z } from 'zod';
import { cookieSecurity } from './port.ts';

/** An invitation being redeemed while its person signs in for the first time. */
const COOKIE = 'portal_join';
const shape = z.object({ code: z.string().max(40), name: z.string().max(80), school: z.string().max(40).nullable() });
export type PendingJoin = z.infer<typeof shape>;

export function setPendingJoin(cookies: AstroCookies, url: URL, pending: PendingJoin): void {
  cookies.set(COOKIE, JSON.stringify(pending), { ...cookieSecurity(url), maxAge: 30 * 60 });
}

export function takePendingJoin(cookies: AstroCookies): PendingJoin | null {
  const raw = cookies.get(COOKIE)?.value;
  cookies.delete(COOKIE, { path: '/' });
  if (!raw) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
