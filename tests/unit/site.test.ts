import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '~/server/config.ts';
import { storable } from '~/server/page-cache.ts';
import { clientAddressOf, cookiesSecure, hostAllowed, isFromThisMachine, publicUrl, setSite } from '~/server/site.ts';

describe('the site as configured at run time', () => {
  afterEach(() => setSite(loadConfig({}).site));

  it('builds every absolute link from the public URL, never from a request’s Host (hole 3)', () => {
    setSite(loadConfig({ PORTAL_PUBLIC_URL: 'https://portaal.school.nl' }).site);
    expect(publicUrl('/auth/confirm?token=abc')).toBe('https://portaal.school.nl/auth/confirm?token=abc');
    expect(hostAllowed('portaal.school.nl')).toBe(true);
    expect(hostAllowed('evil.example')).toBe(false);
    expect(hostAllowed('localhost')).toBe(false);
  });

  it('believes X-Forwarded-For only from a trusted proxy, and then the nearest untrusted hop (hole 2)', () => {
    setSite(loadConfig({ PORTAL_TRUSTED_PROXIES: 'loopback' }).site);
    expect(clientAddressOf('203.0.113.9', '127.0.0.1')).toBe('203.0.113.9');
    expect(clientAddressOf('127.0.0.1', '198.51.100.4, 127.0.0.1')).toBe('198.51.100.4');
    setSite(loadConfig({}).site);
    expect(clientAddressOf('127.0.0.1', '198.51.100.4')).toBe('127.0.0.1');
  });

  it('"this machine" is the socket’s loopback address and a loopback name, whatever the headers say (hole 2)', () => {
    expect(isFromThisMachine('127.0.0.1', 'localhost')).toBe(true);
    expect(isFromThisMachine('::1', '127.0.0.1')).toBe(true);
    expect(isFromThisMachine('203.0.113.9', 'localhost')).toBe(false);
    // A proxy on this machine passes on the public name: not "this machine".
    expect(isFromThisMachine('127.0.0.1', 'portaal.school.nl')).toBe(false);
  });

  it('cookies are Secure behind an https public URL, even when the proxy talks to us as localhost', () => {
    setSite(loadConfig({ PORTAL_PUBLIC_URL: 'https://portaal.school.nl' }).site);
    expect(cookiesSecure(new URL('http://127.0.0.1:4321/nl/'))).toBe(true);
    setSite(loadConfig({}).site);
    expect(cookiesSecure(new URL('http://localhost:4321/nl/'))).toBe(false);
  });
});

describe('the public page cache stores only what is the same for everyone (hole 7)', () => {
  it('refuses a response that sets a cookie, is private, says no-store, or is not a 200', () => {
    expect(storable(new Response('ok'))).toBe(true);
    expect(storable(new Response('ok', { headers: { 'Set-Cookie': 'portal_locale=ar' } }))).toBe(false);
    expect(storable(new Response('ok', { headers: { 'Cache-Control': 'no-store' } }))).toBe(false);
    expect(storable(new Response('ok', { headers: { 'Cache-Control': 'private, max-age=60' } }))).toBe(false);
    expect(storable(new Response('gone', { status: 404 }))).toBe(false);
  });
});
