import { beforeEach, describe, expect, it } from 'vitest';
import { fastPath } from '~/server/fast-path.ts';
import { invalidatePublicPages, storePage } from '~/server/page-cache.ts';
import { cacheMayAnswer, localeToRemember } from '~/server/public-page-rules.ts';
import { setSite } from '~/server/site.ts';

/**
 * One set of rules decides whether a public page may come from the cache (public-page-rules.ts);
 * the fast path before Astro and the middleware inside it both ask it. This pins the rules down and
 * checks that the fast path answers exactly when they allow it.
 */
const PAGE = '/nl/s/demo/leaflets/gesprekken-op-school';

describe('the one rule for cached public pages', () => {
  it('lets the cache answer an anonymous GET or HEAD of a public page, and nothing else', () => {
    const anonymous = { method: 'GET', pathname: PAGE, cookieHeader: null };
    expect(cacheMayAnswer('pglite', anonymous)).toBe(true);
    expect(cacheMayAnswer('pglite', { ...anonymous, method: 'HEAD' })).toBe(true);
    expect(cacheMayAnswer('pglite', { ...anonymous, pathname: '/nl/s/demo/leaflets' })).toBe(true);
    // The remembered language and unknown cookies do not make a reader someone.
    expect(cacheMayAnswer('pglite', { ...anonymous, cookieHeader: 'lang=nl; theme=dark' })).toBe(true);

    expect(cacheMayAnswer('pglite', { ...anonymous, method: 'POST' })).toBe(false);
    expect(cacheMayAnswer('pglite', { ...anonymous, pathname: '/nl/app' })).toBe(false);
    expect(cacheMayAnswer('pglite', { ...anonymous, cookieHeader: 'lang=nl; portal_flash=%7B%22key%22%3A%22saved%22%7D' })).toBe(false);
    expect(cacheMayAnswer('pglite', { ...anonymous, cookieHeader: 'portal_session=abc' })).toBe(false);
    expect(cacheMayAnswer('supabase', { ...anonymous, cookieHeader: 'sb-project-auth-token.0=abc' })).toBe(false);
    // Each mode's session cookie means nothing to the other mode.
    expect(cacheMayAnswer('supabase', { ...anonymous, cookieHeader: 'portal_session=abc' })).toBe(true);
  });

  it('remembers the page’s language unless the reader’s cookie already says it', () => {
    expect(localeToRemember(PAGE, null)).toBe('nl');
    expect(localeToRemember(PAGE, 'lang=ar')).toBe('nl');
    expect(localeToRemember(PAGE, 'other=1; lang=nl')).toBeNull();
    expect(localeToRemember('/', null)).toBeNull();
  });

  describe('the fast path follows it', () => {
    beforeEach(async () => {
      setSite({
        publicUrl: new URL('https://portal.example/'),
        allowedHosts: new Set(['portal.example']),
        trustedProxies: new Set(),
        devMailbox: false,
        clientLimitFactor: 1,
      });
      invalidatePublicPages();
      await storePage(PAGE, new Response('<html lang="nl">Hallo</html>', { status: 200, headers: { 'Content-Type': 'text/html' } }));
    });

    it('answers from the cache exactly when the rule allows it', () => {
      const cookies = [null, 'lang=nl', 'portal_flash=x', 'portal_session=abc', 'sb-project-auth-token=abc', 'portal_pupil_until=1'];
      for (const mode of ['pglite', 'supabase'] as const) {
        for (const method of ['GET', 'HEAD', 'POST']) {
          for (const cookieHeader of cookies) {
            const answered = fastPath(mode, { method, url: PAGE, headers: { host: 'portal.example', cookie: cookieHeader ?? undefined } });
            expect(answered !== null, `${mode} ${method} ${cookieHeader}`).toBe(
              cacheMayAnswer(mode, { method, pathname: PAGE, cookieHeader }),
            );
          }
        }
      }
    });
  });
});
