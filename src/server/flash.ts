import type { AstroCookies } from 'astro';
import { cookieSecurity } from './port.ts';

/**
 * A one-time message that survives a redirect (post → redirect → get): a key of the
 * `common` namespace and optional values, kept in a short cookie and read once.
 */
export const FLASH_COOKIE = 'portal_flash';

export interface Flash {
  key: string;
  values?: Record<string, string | number>;
}

export function setFlash(cookies: AstroCookies, url: URL, flash: Flash): void {
  cookies.set(FLASH_COOKIE, JSON.stringify(flash), { ...cookieSecurity(url), maxAge: 60 });
}

export function takeFlash(cookies: AstroCookies): Flash | null {
  const raw = cookies.get(FLASH_COOKIE)?.value;
  if (!raw) return null;
  cookies.delete(FLASH_COOKIE, { path: '/' });
  try {
    const parsed = JSON.parse(raw) as Flash;
    return typeof parsed.key === 'string' && /^[a-zA-Z][a-zA-Z.:-]{0,80}$/.test(parsed.key) ? parsed : null;
  } catch {
    return null;
  }
}
