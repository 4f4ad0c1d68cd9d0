import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { AstroCookies } from 'astro';
import { cookieSecurity } from './port.ts';

/**
 * The teacher's way to the adult controls on a class device (the device's language, turning
 * class mode off, an adult's sign-in): behind a sum a young child cannot do (two numbers of two
 * digits), not one tap away. It is a gate against a child's tap, not a lock: closing class mode
 * harms nothing and an adult still needs their own password to sign in. Works without a script,
 * with a keyboard and a screen reader; any digits a phone types are accepted.
 */
const QUESTION_SECONDS = 10 * 60;
const OPEN_SECONDS = 5 * 60;
export const CLASS_ADULT_COOKIE = 'portal_class_adult';

const mac = (secret: Buffer, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface GateQuestion {
  a: number;
  b: number;
  /** Carried by the form: proves which answer is right without the server keeping anything. */
  proof: string;
}

export function gateQuestion(secret: Buffer, device: string, now = Date.now()): GateQuestion {
  const a = randomInt(12, 50);
  const b = randomInt(12, 50);
  const until = Math.floor(now / 1000) + QUESTION_SECONDS;
  return { a, b, proof: `${until}.${mac(secret, `gate:${a + b}:${until}:${device}`)}` };
}

export function gateAnswerRight(secret: Buffer, device: string, answer: number, proof: string, now = Date.now()): boolean {
  const [until, signature] = proof.split('.');
  if (!until || !signature || !/^\d+$/.test(until) || Number(until) < now / 1000) return false;
  return same(signature, mac(secret, `gate:${answer}:${until}:${device}`));
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
