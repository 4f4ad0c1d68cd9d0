import type { AstroCookies } from 'astro';
import { z } from 'zod';
import { jsonCookie } from './json-cookie.ts';

/**
 * Between "send me a code" and "here is the code": the address and where to go afterwards
 * (never in the URL, so no address ends up in a log).
 */
const pending = jsonCookie('portal_sign_in', z.object({ email: z.string().max(254), next: z.string().max(300) }), 15 * 60);
export type PendingSignIn = { email: string; next: string };

export const setPendingSignIn = (cookies: AstroCookies, url: URL, value: PendingSignIn) => pending.set(cookies, url, value);
export const getPendingSignIn = (cookies: AstroCookies) => pending.get(cookies);
export const clearPendingSignIn = (cookies: AstroCookies) => pending.clear(cookies);
