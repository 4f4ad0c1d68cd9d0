import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '~/server/config.ts';
import { newVapidKeys, pushEndpointAllowed } from '~/server/notify/push.ts';
import { ONE_CLICK_PATH, oneClickPath, readUnsubscribeToken, unsubscribeToken } from '~/server/notify/unsubscribe.ts';

/** The edges of notifications: signed unsubscribe links, the push services the server posts to, the test mode's fence. */

const SECRET = Buffer.alloc(32, 3);
const USER = '10000000-0000-4000-8000-000000000004';

describe('one-click unsubscribe links', () => {
  it('a link names one person and one kind, and only the server can make one', () => {
    const token = unsubscribeToken(SECRET, USER, 'round_reminder');
    expect(readUnsubscribeToken(SECRET, token)).toEqual({ userId: USER, kind: 'round_reminder' });
    expect(ONE_CLICK_PATH.test(oneClickPath('pl', token))).toBe(true);
    // Another secret, another kind, another person, a cut or lengthened signature: nothing.
    expect(readUnsubscribeToken(Buffer.alloc(32, 4), token)).toBeNull();
    expect(readUnsubscribeToken(SECRET, token.replace('round_reminder', 'meeting_changed'))).toBeNull();
    expect(readUnsubscribeToken(SECRET, token.replace(/^1/, '2'))).toBeNull();
    expect(readUnsubscribeToken(SECRET, token.slice(0, -1))).toBeNull();
    expect(readUnsubscribeToken(SECRET, `${token}x`)).toBeNull();
    expect(readUnsubscribeToken(SECRET, 'nonsense')).toBeNull();
  });

  it('what a law requires has no unsubscribe link at all', () => {
    const forged = unsubscribeToken(SECRET, USER, 'erasure_answered');
    expect(readUnsubscribeToken(SECRET, forged)).toBeNull();
  });
});

describe('the push services the server posts to', () => {
  it.each([
    ['https://fcm.googleapis.com/fcm/send/abc', true],
    ['https://updates.push.services.mozilla.com/wpush/v2/abc', true],
    ['https://web.push.apple.com/QGz', true],
    ['https://wns2-db5p.notify.windows.com/w/?token=abc', true],
    ['https://fcm.googleapis.com:8443/fcm/send/abc', false],
    ['http://fcm.googleapis.com/fcm/send/abc', false],
    ['https://fcm.googleapis.com.evil.example/x', false],
    ['https://user:pw@fcm.googleapis.com/x', false],
    ['http://169.254.169.254/latest/meta-data', false],
    ['http://127.0.0.1:9999/push/1', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s → %s', (endpoint, allowed) => expect(pushEndpointAllowed(endpoint)).toBe(allowed));

  it('a fake push service on this machine only in the test mode', () => {
    expect(pushEndpointAllowed('http://127.0.0.1:9999/push/1', true)).toBe(true);
    expect(pushEndpointAllowed('http://10.0.0.5:9999/push/1', true)).toBe(false);
  });

  it('the keys the server makes for itself are ones web-push signs with, new each time', () => {
    const keys = newVapidKeys();
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    expect(newVapidKeys().privateKey).not.toBe(keys.privateKey);
    // A push service accepts only a request whose VAPID signature checks; web-push refuses bad keys.
    const subscriber = webpush.generateVAPIDKeys(); // any P-256 point does as a browser's key
    const details = webpush.generateRequestDetails(
      { endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: { p256dh: subscriber.publicKey, auth: 'AAAAAAAAAAAAAAAAAAAAAA' } },
      '{}',
      { vapidDetails: { subject: 'mailto:portaal@regenboog.example', ...keys } },
    );
    expect((details.headers as Record<string, string>).Authorization).toContain(`k=${keys.publicKey}`);
  });
});

describe('the test mode (dev clock, fake push service)', () => {
  const local = { PORTAL_DEV_MAILBOX: '1', PORTAL_TEST_MODE: '1' };
  it('runs only embedded, with the dev mailbox, on a loopback address, without SMTP', () => {
    expect(loadConfig(local).testMode).toBe(true);
    expect(loadConfig({}).testMode).toBe(false);
    expect(() => loadConfig({ PORTAL_TEST_MODE: '1' })).toThrow(/PORTAL_TEST_MODE/);
    expect(() => loadConfig({ ...local, PORTAL_PUBLIC_URL: 'https://portaal.school.nl' })).toThrow(/PORTAL_TEST_MODE/);
    expect(() => loadConfig({ ...local, SMTP_URL: 'smtp://x:y@smtp.school.nl:587', MAIL_FROM: 'portaal@school.nl' })).toThrow(
      /PORTAL_TEST_MODE/,
    );
    expect(() =>
      loadConfig({
        PORTAL_TEST_MODE: '1',
        SUPABASE_URL: 'https://x.supabase.co',
        SUPABASE_ANON_KEY: 'a',
        SUPABASE_SERVICE_ROLE_KEY: 's',
        PORTAL_PUBLIC_URL: 'http://localhost:4321',
      }),
    ).toThrow();
  });

  it('VAPID keys come as a pair', () => {
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: `B${'A'.repeat(86)}` })).toThrow(/VAPID_PRIVATE_KEY/);
  });
});
