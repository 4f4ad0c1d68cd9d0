import { createECDH } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type webpush from 'web-push';
import type { Config } from '../config.ts';

/**
 * Web Push (RFC 8030, 8291, 8292) with the `web-push` library: it signs (VAPID) and encrypts
 * (aes128gcm) each message; the portal sends the request itself, with a time limit and no
 * redirects, and only to the push services browsers use (a subscription's address comes from a
 * browser, so it is checked like any other input: the server never posts to an address a person
 * typed). 404 and 410 mean the subscription is gone: the caller removes it.
 */

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:`: whom the push service may contact about this sender. */
  subject: string;
}

export interface PushSubscriptionKeys {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** What a phone shows (and where a tap leads). Never more than the reader may see. */
export interface PushMessage {
  title: string;
  body: string;
  url: string;
  tag: string;
  lang: string;
  dir: 'ltr' | 'rtl';
}

export type PushOutcome = 'sent' | 'gone' | 'failed';

/** The push services of the browsers parents use (Chrome and Android, Firefox, Safari, Edge). */
const PUSH_HOSTS = [
  /^fcm\.googleapis\.com$/,
  /^android\.googleapis\.com$/,
  /^([a-z0-9-]+\.)*push\.services\.mozilla\.com$/,
  /^([a-z0-9-]+\.)*push\.apple\.com$/,
  /^([a-z0-9-]+\.)*notify\.windows\.com$/,
];

/**
 * Whether the server may post to this address: https on a known push service; in the test mode
 * (PORTAL_TEST_MODE, this machine only) also http on loopback, for the fake push service.
 */
export function pushEndpointAllowed(endpoint: string, allowLoopback = false): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password || endpoint.length > 1000) return false;
  if (url.protocol === 'https:' && !url.port && PUSH_HOSTS.some((h) => h.test(url.hostname))) return true;
  return allowLoopback && url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
}

/**
 * The keys: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when set (every instance of a deployment must use
 * the same); otherwise, in embedded mode, a pair made once and kept in the data folder
 * (`vapid.json`, readable by the server only); in Supabase mode without settings, none (push off).
 */
export function vapidKeys(config: Config): VapidKeys | null {
  const subject =
    config.vapid?.subject ??
    (() => {
      const from = /<?([^\s<>@]+@[^\s<>@]+)>?\s*$/.exec(config.smtp?.from ?? '')?.[1];
      if (from) return `mailto:${from}`;
      const url = config.site.publicUrl;
      return url.protocol === 'https:' ? url.origin : `mailto:portal@${url.hostname === 'localhost' ? 'localhost.invalid' : url.hostname}`;
    })();
  if (config.vapid) return { publicKey: config.vapid.publicKey, privateKey: config.vapid.privateKey, subject };
  if (config.mode === 'supabase') return null;
  const file = resolve(config.dataDir, 'vapid.json');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const keys = newVapidKeys();
    try {
      writeFileSync(file, JSON.stringify(keys), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      // Another process made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(file, 0o600);
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject };
}

/**
 * A new VAPID key pair (P-256), as web-push's generateVAPIDKeys makes it: the raw public point
 * (65 bytes) and private scalar (32 bytes), base64url. Made here so that the server does not
 * load web-push at start-up, only with the first push it sends (issue 24).
 */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  const curve = createECDH('prime256v1');
  curve.generateKeys();
  const pad = (bytes: Buffer, length: number) =>
    bytes.length < length ? Buffer.concat([Buffer.alloc(length - bytes.length), bytes]) : bytes;
  return {
    publicKey: pad(curve.getPublicKey(), 65).toString('base64url'),
    privateKey: pad(curve.getPrivateKey(), 32).toString('base64url'),
  };
}

/** Sends one message to one subscription. */
export async function sendPush(
  subscription: PushSubscriptionKeys,
  message: PushMessage,
  keys: VapidKeys,
  options: { allowLoopback?: boolean; timeoutMs?: number } = {},
): Promise<PushOutcome> {
  if (!pushEndpointAllowed(subscription.endpoint, options.allowLoopback)) return 'gone';
  const { default: webpushLib } = await import('web-push');
  let details: ReturnType<typeof webpush.generateRequestDetails>;
  try {
    details = webpushLib.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
      JSON.stringify(message),
      {
        vapidDetails: { subject: keys.subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
        TTL: 24 * 3600,
        urgency: 'normal',
        topic: message.tag.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32) || undefined,
        contentEncoding: 'aes128gcm',
      },
    );
  } catch {
    // Keys a browser would never make: the subscription is of no use.
    return 'gone';
  }
  try {
    const response = await fetch(details.endpoint, {
      method: details.method,
      headers: details.headers as Record<string, string>,
      body: new Uint8Array(details.body as Buffer),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await response.body?.cancel();
    if (response.status === 404 || response.status === 410) return 'gone';
    return response.ok ? 'sent' : 'failed';
  } catch {
    return 'failed';
  }
}
