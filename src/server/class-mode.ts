import type { AstroCookies } from 'astro';
import { isLocale, type Locale } from '~/i18n/locales.ts';
import { cookieSecurity } from './port.ts';

/**
 * A classroom device in class mode holds the device token in an HttpOnly cookie until the
 * school day ends. It is not a person's session: it only lets pupils of that class sign in.
 */
export const CLASS_DEVICE_COOKIE = 'portal_class_device';

/** The device's own language (the teacher's choice), which the class's names screen keeps. */
export const CLASS_LANG_COOKIE = 'portal_class_lang';

export function setClassDevice(cookies: AstroCookies, url: URL, token: string, expiresAt: Date, lang: Locale): void {
  cookies.set(CLASS_DEVICE_COOKIE, token, { ...cookieSecurity(url), expires: expiresAt });
  cookies.set(CLASS_LANG_COOKIE, lang, { ...cookieSecurity(url), expires: expiresAt });
}

export function setClassLanguage(cookies: AstroCookies, url: URL, lang: Locale): void {
  cookies.set(CLASS_LANG_COOKIE, lang, { ...cookieSecurity(url), maxAge: 24 * 3600 });
}

/** The class device's language, or the page's when none was chosen. */
export function classLanguage(cookies: AstroCookies, fallback: Locale): Locale {
  const value = cookies.get(CLASS_LANG_COOKIE)?.value;
  return isLocale(value) ? value : fallback;
}

export function classDeviceToken(cookies: AstroCookies): string | null {
  const token = cookies.get(CLASS_DEVICE_COOKIE)?.value;
  return token && token.length <= 100 ? token : null;
}

export function clearClassDevice(cookies: AstroCookies): void {
  cookies.delete(CLASS_DEVICE_COOKIE, { path: '/' });
  cookies.delete(CLASS_LANG_COOKIE, { path: '/' });
}
