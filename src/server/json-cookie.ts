import type { AstroCookies } from 'astro';
import type { z } from 'zod';
import { cookieSecurity } from './port.ts';

/**
 * A small piece of state between two requests of one flow, kept in an HttpOnly cookie as
 * JSON and checked with a schema when read back (a cookie is input like any other).
 */
export function jsonCookie<S extends z.ZodType>(name: string, schema: S, maxAgeSeconds: number) {
  return {
    set(cookies: AstroCookies, url: URL, value: z.input<S>): void {
      cookies.set(name, JSON.stringify(value), { ...cookieSecurity(url), maxAge: maxAgeSeconds });
    },
    get(cookies: AstroCookies): z.output<S> | null {
      const raw = cookies.get(name)?.value;
      if (!raw) return null;
      try {
        const parsed = schema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    clear(cookies: AstroCookies): void {
      cookies.delete(name, { path: '/' });
    },
  };
}
