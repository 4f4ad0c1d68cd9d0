import { createHmac, timingSafeEqual } from 'node:crypto';
import { isEssential, isNotificationKind, type NotificationKind } from '~/domain/notifications.ts';

/**
 * One-click unsubscribe links (RFC 8058): `<person>.<kind>.<signature>`, signed with the server's
 * secret, so the link itself is the proof (a mail program posts to it without anyone signed in).
 * It turns off one kind for one person, and does not expire: a mail read a year later still works.
 */
const ID = /^[0-9a-f]{32}$/;

function signature(secret: Buffer, id: string, kind: string): string {
  return createHmac('sha256', secret).update(`unsubscribe:${id}:${kind}`).digest('base64url').slice(0, 22);
}

export function unsubscribeToken(secret: Buffer, userId: string, kind: NotificationKind): string {
  const id = userId.replace(/-/g, '').toLowerCase();
  return `${id}.${kind}.${signature(secret, id, kind)}`;
}

export function readUnsubscribeToken(secret: Buffer, token: string): { userId: string; kind: NotificationKind } | null {
  const [id, kind, mac, ...rest] = token.slice(0, 120).split('.');
  if (rest.length || !id || !kind || !mac || !ID.test(id) || !isNotificationKind(kind) || isEssential(kind)) return null;
  const want = Buffer.from(signature(secret, id, kind));
  const got = Buffer.from(mac);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  const userId = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  return { userId, kind };
}

/** The page that asks "no more mails about this?" (the link in a mail's footer). */
export function unsubscribePagePath(lang: string, token: string): string {
  return `/${lang}/unsubscribe/${token}`;
}

/** Where a mail program posts `List-Unsubscribe=One-Click` (the List-Unsubscribe header). */
export function oneClickPath(lang: string, token: string): string {
  return `/${lang}/unsubscribe/${token}/one-click`;
}

/** The one-click address, for the middleware: a POST from a mail program carries no Origin of ours. */
export const ONE_CLICK_PATH = /^\/[a-z]{2}\/unsubscribe\/[0-9a-f]{32}\.[a-z_]{1,30}\.[A-Za-z0-9_-]{22}\/one-click$/;
