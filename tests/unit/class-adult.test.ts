import { randomBytes } from 'node:crypto';
import type { AstroCookies } from 'astro';
import { describe, expect, it } from 'vitest';
import { CLASS_PIN_COOKIE, checkAdultPin, hasAdultPin, PIN_TRIES, pinAcceptable, setAdultPin } from '~/server/class-adult.ts';

/** A cookie jar as Astro's, enough for the gate: set, get, delete. */
function jar(): AstroCookies & { raw: Map<string, string> } {
  const raw = new Map<string, string>();
  return {
    raw,
    get: (name: string) => (raw.has(name) ? { value: raw.get(name)! } : undefined),
    set: (name: string, value: string) => void raw.set(name, value),
    delete: (name: string) => void raw.delete(name),
    has: (name: string) => raw.has(name),
  } as unknown as AstroCookies & { raw: Map<string, string> };
}

describe("the teacher's PIN on a class device (walk 2026-12: a sum is no gate for Groep 6)", () => {
  const secret = randomBytes(32);
  const url = new URL('http://localhost/nl/class/teacher');
  const until = new Date(Date.now() + 8 * 3600_000);

  it('a PIN is 4 to 6 digits, not one digit repeated and not a straight run', () => {
    for (const ok of ['2580', '7391', '104729', '1357']) expect(pinAcceptable(ok), ok).toBe(true);
    for (const bad of ['', '123', '1234567', '0000', '1234', '9876', '4321', '12a4', '٢٥٨٠']) expect(pinAcceptable(bad), bad).toBe(false);
  });

  it('is kept only as a keyed hash bound to the device; the right PIN opens, another device or secret does not', () => {
    const cookies = jar();
    setAdultPin(cookies, url, secret, 'device-a', '2580', until);
    expect(cookies.raw.get(CLASS_PIN_COOKIE)).not.toContain('2580');
    expect(hasAdultPin(cookies, secret, 'device-a')).toBe(true);
    expect(hasAdultPin(cookies, secret, 'device-b')).toBe(false);
    expect(hasAdultPin(cookies, randomBytes(32), 'device-a')).toBe(false);
    expect(checkAdultPin(cookies, url, secret, 'device-a', '2580')).toEqual({ ok: true });
    expect(checkAdultPin(cookies, url, secret, 'device-b', '2580')).toEqual({ ok: false, reason: 'none' });
  });

  it('five wrong PINs lock the gate for 15 minutes, the right one included; a rewritten count is not accepted', () => {
    const cookies = jar();
    const now = Date.now();
    setAdultPin(cookies, url, secret, 'device-a', '2580', until);
    for (let i = 1; i < PIN_TRIES; i++) {
      expect(checkAdultPin(cookies, url, secret, 'device-a', String(1000 + i), now)).toEqual({
        ok: false,
        reason: 'wrong',
        triesLeft: PIN_TRIES - i,
      });
    }
    expect(checkAdultPin(cookies, url, secret, 'device-a', '1111', now)).toEqual({ ok: false, reason: 'locked' });
    expect(checkAdultPin(cookies, url, secret, 'device-a', '2580', now + 14 * 60_000)).toEqual({ ok: false, reason: 'locked' });
    expect(checkAdultPin(cookies, url, secret, 'device-a', '2580', now + 16 * 60_000)).toEqual({ ok: true });
    // A child who edits the count in the cookie finds no PIN at all (only a sign-in opens then).
    const value = cookies.raw.get(CLASS_PIN_COOKIE)!;
    cookies.raw.set(CLASS_PIN_COOKIE, value.replace(/^\d+/, '0'));
    setAdultPin(cookies, url, secret, 'device-a', '2580', until);
    checkAdultPin(cookies, url, secret, 'device-a', '0001', now);
    cookies.raw.set(CLASS_PIN_COOKIE, cookies.raw.get(CLASS_PIN_COOKIE)!.replace(/^1\./, '0.'));
    expect(hasAdultPin(cookies, secret, 'device-a')).toBe(false);
  });
});
