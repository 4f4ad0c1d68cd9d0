import { randomBytes } from 'node:crypto';
import type { AstroCookies } from 'astro';
import { cookieSecurity } from '../port.ts';

/**
 * Which browser a push subscription belongs to: a random id in an HttpOnly cookie, made when
 * notifications are switched on there. Signing out there removes that browser's subscriptions
 * and the cookie, so the next person on a shared phone gets nothing of the last one's.
 */
export const PUSH_DEVICE_COOKIE = 'portal_push_device';
const DEVICE = /^[A-Za-z0-9_-]{32}$/;

export function pushDevice(cookies: AstroCookies): string | null {
  const value = cookies.get(PUSH_DEVICE_COOKIE)?.value;
  return value && DEVICE.test(value) ? value : null;
}

/** This browser's id, made now when it has none. */
export function ensurePushDevice(cookies: AstroCookies, url: URL): string {
  const known = pushDevice(cookies);
  if (known) return known;
  const device = randomBytes(24).toString('base64url');
  cookies.set(PUSH_DEVICE_COOKIE, device, { ...cookieSecurity(url), maxAge: 365 * 24 * 3600 });
  return device;
}

export function forgetPushDevice(cookies: AstroCookies): void {
  cookies.delete(PUSH_DEVICE_COOKIE, { path: '/' });
}
