import type { AstroCookies } from 'astro';
import { cookieSecurity } from './port.ts';

/**
 * A classroom device in class mode holds the device token in an HttpOnly cookie until the
 * school day ends. It is not a person's session: it only lets pupils of that class sign in.
 */
export const CLASS_DEVICE_COOKIE = 'portal_class_device';

export function setClassDevice(cookies: AstroCookies, url: URL, token: string, expiresAt: Date): void {
  cookies.set(CLASS_DEVICE_COOKIE, token, { ...cookieSecurity(url), expires: expiresAt });
}

export function classDeviceToken(cookies: AstroCookies): string | null {
  const token = cookies.get(CLASS_DEVICE_COOKIE)?.value;
  return token && token.length <= 100 ? token : null;
}

export function clearClassDevice(cookies: AstroCookies): void {
  cookies.delete(CLASS_DEVICE_COOKIE, { path: '/' });
}
