import { beforeEach, describe, expect, it } from 'vitest';
import { type FastRequest, fastPath } from '~/server/fast-path.ts';
import { cachedCount, invalidatePublicPages, pageKey, storePage } from '~/server/page-cache.ts';
import { setSite } from '~/server/site.ts';

/**
 * The answer before Astro's pipeline (fast-path.ts, used by scripts/serve.mjs): it answers only a
 * cached public page, to an anonymous reader on a known host, exactly as stored; with an ETag the
 * browser already holds, a 304; everything else is left to Astro.
 */
const PAGE = '/ar/s/demo/leaflets/gesprekken-op-school';
const req = (over: Partial<FastRequest> & { headers?: FastRequest['headers'] } = {}): FastRequest => ({
  method: 'GET',
  url: PAGE,
  ...over,
  headers: { host: 'portal.example', 'accept-encoding': 'gzip, br', ...over.headers },
});

describe('the fast path for cached public pages', () => {
  beforeEach(async () => {
    setSite({
      publicUrl: new URL('https://portal.example/'),
      allowedHosts: new Set(['portal.example']),
      trustedProxies: new Set(),
      devMailbox: false,
      clientLimitFactor: 1,
    });
    invalidatePublicPages();
    await storePage(
      `gz ${PAGE}`,
      new Response('<html lang="ar">مرحبا</html>', { status: 200, headers: { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' } }),
    );
  });

  it('answers a stored page as stored, with its ETag, length and the reader’s language remembered', () => {
    const answer = fastPath('pglite', req())!;
    expect(answer.status).toBe(200);
    const headers = new Map(answer.headers);
    expect(headers.get('content-encoding')).toBe('gzip');
    expect(headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(headers.get('cache-control')).toBe('public, no-cache');
    expect(Number(headers.get('content-length'))).toBe(answer.body!.byteLength);
    expect(new TextDecoder().decode(answer.body!)).toContain('مرحبا');
    const setCookie = headers.get('set-cookie')!.split('; ');
    expect(setCookie[0]).toBe('lang=ar');
    expect(setCookie).toEqual(expect.arrayContaining(['Path=/', 'Max-Age=31536000', 'HttpOnly', 'SameSite=Lax', 'Secure']));
    // A reader whose language is already remembered gets no cookie.
    const again = fastPath('pglite', req({ headers: { cookie: 'lang=ar' } }))!;
    expect(new Map(again.headers).has('set-cookie')).toBe(false);
  });

  it('answers 304 without a body when the browser holds the same page, and HEAD without a body', () => {
    const etag = new Map(fastPath('pglite', req())!.headers).get('etag')!;
    const same = fastPath('pglite', req({ headers: { 'if-none-match': etag } }))!;
    expect(same.status).toBe(304);
    expect(same.body).toBeNull();
    const head = fastPath('pglite', req({ method: 'HEAD' }))!;
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });

  it('leaves everything else to Astro: a signed-in reader, a message waiting, another host, a miss, a post, another page', () => {
    expect(fastPath('pglite', req({ headers: { cookie: 'portal_session=abc' } }))).toBeNull();
    expect(fastPath('supabase', req({ headers: { cookie: 'sb-project-auth-token=abc' } }))).toBeNull();
    expect(fastPath('pglite', req({ headers: { cookie: 'portal_flash=x' } }))).toBeNull();
    expect(fastPath('pglite', req({ headers: { host: 'evil.example' } }))).toBeNull();
    expect(fastPath('pglite', req({ headers: { 'accept-encoding': '' } }))).toBeNull();
    expect(fastPath('pglite', req({ method: 'POST' }))).toBeNull();
    expect(fastPath('pglite', req({ url: '/nl/app' }))).toBeNull();
    expect(fastPath('pglite', req({ url: `${PAGE}?view=both` }))).toBeNull();
  });

  it('drops every copy when something public changes', () => {
    expect(fastPath('pglite', req())).not.toBeNull();
    invalidatePublicPages();
    expect(fastPath('pglite', req())).toBeNull();
  });
});

describe('junk query strings do not fill the public page cache (issue 18)', () => {
  it('?junk=1 … ?junk=1000 are one entry with the page itself; only ?view=both is another page', async () => {
    invalidatePublicPages();
    const page = () => new Response('<p>folder</p>', { status: 200, headers: { 'Content-Type': 'text/html' } });
    const path = '/nl/s/demo/leaflets/welkom';
    await storePage(pageKey(path, '', null), page());
    for (let n = 0; n < 1000; n++) await storePage(pageKey(path, `?junk=${n}`, null), page());
    expect(cachedCount()).toBe(1);
    expect(pageKey(path, '?junk=1&view=both', null)).toBe(pageKey(path, '?view=both', null));
    expect(pageKey(path, '?view=x&view=both', null)).toBe(pageKey(path, '', null));
    expect(pageKey(path, '?view=both', null)).not.toBe(pageKey(path, '', null));
  });
});
