import type { AstroCookies } from 'astro';
import { z } from 'zod';
import { cookieSecurity } from './port.ts';

/**
 * Between "send me a code" and "here is the code": the address and where to go afterwards,
 * in a short HttpOnly cookie (never in the URL, so no address ends up in a log).
 */
const COOKIE = 'portal_sign_in';
const shape = z.object({ email: z.string().max(254), next: z.string().max(300) });
export type PendingSignIn = z.infer<typeof shape>;

export function setPendingSignIn(cookies: AstroCookies, url: URL, pending: PendingSignIn): void {
  cookies.set(COOKIE, JSON.stringify(pending), { ...cookieSecurity(url), maxAge: 15 * 60 });
}

export function getPendingSignIn(cookies: AstroCookies): PendingSignIn | null {
  const raw = cookies.get(COOKIE)?.value;
  if (!raw) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function clearPendingSignIn(cookies: AstroCookies): void {
  cookies.delete(COOKIE, { path: '/' });
}
