import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AstroCookies } from 'astro';
import { cookieSecurity } from './port.ts';

/**
 * The teacher's way to the adult controls on a class device (the device's language, turning
 * class mode off, an adult's sign-in). A sum was no gate for Groep 6 (walk 2026-12), so:
 *
 * - the teacher chooses a short PIN (4 to 6 digits) when she turns class mode on, on the device
 *   itself. It is kept only as a keyed hash (HMAC with the server's secret, bound to the device
 *   token) in an HttpOnly cookie that ends with class mode: no page script, and no pupil, can read
 *   it, and nothing about it is stored on the server. Five wrong PINs lock the gate for 15
 *   minutes; the count travels in the same signed cookie (a child on the tablet cannot rewrite
 *   or roll back an HttpOnly cookie).
 * - Without a PIN (none chosen, forgotten, locked), the teacher signs in with her own account on
 *   the device: an adult session opens the controls. A pupil cannot do either.
 *
 * Works without a script, with a keyboard and a screen reader; any digits a phone types are
 * accepted.
 */
const OPEN_SECONDS = 5 * 60;
export const CLASS_ADULT_COOKIE = 'portal_class_adult';

const mac = (secret: Buffer, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const CLASS_PIN_COOKIE = 'portal_class_pin';
export const PIN_TRIES = 5;
const PIN_LOCK_SECONDS = 15 * 60;

/** A PIN a teacher may choose: 4 to 6 digits, not one digit repeated, not a straight run (1234, 9876). */
export function pinAcceptable(pin: string): boolean {
  if (!/^\d{4,6}$/.test(pin)) return false;
  const d = [...pin].map(Number);
  const steps = new Set(d.slice(1).map((x, i) => x - d[i]!));
  return !(steps.size === 1 && [0, 1, -1].includes([...steps][0]!));
}

interface PinState {
  pin: string;
  fails: number;
  lockedUntil: number;
}

function writePin(cookies: AstroCookies, url: URL, secret: Buffer, device: string, state: PinState, expires: Date): void {
  const body = `${state.fails}.${state.lockedUntil}.${state.pin}.${Math.floor(expires.getTime() / 1000)}`;
  cookies.set(CLASS_PIN_COOKIE, `${body}.${mac(secret, `pin-state:${body}:${device}`)}`, { ...cookieSecurity(url), expires });
}

function readPin(cookies: AstroCookies, secret: Buffer, device: string): (PinState & { expires: Date }) | null {
  const parts = (cookies.get(CLASS_PIN_COOKIE)?.value ?? '').split('.');
  if (parts.length !== 5) return null;
  const [fails, lockedUntil, pin, expires, signature] = parts as [string, string, string, string, string];
  if (!same(signature, mac(secret, `pin-state:${fails}.${lockedUntil}.${pin}.${expires}:${device}`))) return null;
  return { fails: Number(fails), lockedUntil: Number(lockedUntil), pin, expires: new Date(Number(expires) * 1000) };
}

/** Keeps the teacher's PIN for this device (hashed), until class mode ends. */
export function setAdultPin(cookies: AstroCookies, url: URL, secret: Buffer, device: string, pin: string, expires: Date): void {
  writePin(cookies, url, secret, device, { pin: mac(secret, `pin:${pin}:${device}`), fails: 0, lockedUntil: 0 }, expires);
}

export function hasAdultPin(cookies: AstroCookies, secret: Buffer, device: string): boolean {
  return readPin(cookies, secret, device) !== null;
}

export type PinOutcome = { ok: true } | { ok: false; reason: 'none' | 'locked' } | { ok: false; reason: 'wrong'; triesLeft: number };

/** Checks a typed PIN, counting wrong ones: after five, the gate stays shut for 15 minutes. */
export function checkAdultPin(cookies: AstroCookies, url: URL, secret: Buffer, device: string, pin: string, now = Date.now()): PinOutcome {
  const state = readPin(cookies, secret, device);
  if (!state) return { ok: false, reason: 'none' };
  const seconds = Math.floor(now / 1000);
  if (state.lockedUntil > seconds) return { ok: false, reason: 'locked' };
  if (same(state.pin, mac(secret, `pin:${pin}:${device}`))) {
    writePin(cookies, url, secret, device, { ...state, fails: 0, lockedUntil: 0 }, state.expires);
    return { ok: true };
  }
  const fails = state.fails + 1;
  if (fails >= PIN_TRIES) {
    writePin(cookies, url, secret, device, { ...state, fails: 0, lockedUntil: seconds + PIN_LOCK_SECONDS }, state.expires);
    return { ok: false, reason: 'locked' };
  }
  writePin(cookies, url, secret, device, { ...state, fails, lockedUntil: 0 }, state.expires);
  return { ok: false, reason: 'wrong', triesLeft: PIN_TRIES - fails };
}

export function pinLocked(cookies: AstroCookies, secret: Buffer, device: string, now = Date.now()): boolean {
  const state = readPin(cookies, secret, device);
  return !!state && state.lockedUntil > Math.floor(now / 1000);
}

export function clearAdultPin(cookies: AstroCookies): void {
  cookies.delete(CLASS_PIN_COOKIE, { path: '/' });
}

export function openAdultControls(cookies: AstroCookies, url: URL, secret: Buffer, device: string, now = Date.now()): void {
  const until = Math.floor(now / 1000) + OPEN_SECONDS;
  cookies.set(CLASS_ADULT_COOKIE, `${until}.${mac(secret, `adult:${until}:${device}`)}`, {
    ...cookieSecurity(url),
    maxAge: OPEN_SECONDS,
  });
}

export function adultControlsOpen(cookies: AstroCookies, secret: Buffer, device: string, now = Date.now()): boolean {
  const [until, signature] = (cookies.get(CLASS_ADULT_COOKIE)?.value ?? '').split('.');
  if (!until || !signature || !/^\d+$/.test(until) || Number(until) < now / 1000) return false;
  return same(signature, mac(secret, `adult:${until}:${device}`));
}

export function closeAdultControls(cookies: AstroCookies): void {
  cookies.delete(CLASS_ADULT_COOKIE, { path: '/' });
}
