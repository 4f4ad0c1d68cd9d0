import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl } from '~/server/config.ts';

describe('mode from the environment', () => {
  it('is PGlite with nothing set', () => {
    expect(loadConfig({})).toMatchObject({ mode: 'pglite', dataDir: '.data', seed: true });
  });

  it('is a PostgreSQL server with DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/portal', PORTAL_DATA_DIR: '/srv/portal' })).toMatchObject({
      mode: 'postgres',
      databaseUrl: 'postgres://app@db/portal',
      databaseAdminUrl: 'postgres://app@db/portal',
      dataDir: '/srv/portal',
    });
  });

  it('is Supabase with all three Supabase settings', () => {
    expect(
      loadConfig({
        SUPABASE_URL: 'https://x.supabase.co',
        SUPABASE_ANON_KEY: 'a',
        SUPABASE_SERVICE_ROLE_KEY: 's',
        PORTAL_PUBLIC_URL: 'https://portaal.school.nl',
      }).mode,
    ).toBe('supabase');
  });

  it('stops on half-set Supabase settings instead of silently running another mode', () => {
    expect(() => loadConfig({ SUPABASE_URL: 'https://x.supabase.co' })).toThrow(/SUPABASE_ANON_KEY/);
    expect(() => loadConfig({ SUPABASE_URL: 'https://x.supabase.co', SUPABASE_ANON_KEY: 'a' })).toThrow(/SUPABASE_SERVICE_ROLE_KEY/);
  });

  it('stops when both modes are asked for, or a URL is malformed', () => {
    expect(() =>
      loadConfig({
        SUPABASE_URL: 'https://x.supabase.co',
        SUPABASE_ANON_KEY: 'a',
        SUPABASE_SERVICE_ROLE_KEY: 's',
        DATABASE_URL: 'postgres://x',
      }),
    ).toThrow(/not both/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ SUPABASE_URL: '', DATABASE_URL: '' }).mode).toBe('pglite');
  });

  it('never logs a password', () => {
    expect(redactUrl('postgres://authenticator:s3cret@db:5432/portal')).toBe('postgres://authenticator:***@db:5432/portal');
  });
});

describe('how the portal is reached (read at run time)', () => {
  it('defaults to http://localhost:PORT in embedded mode, with the loopback names allowed', () => {
    const { site } = loadConfig({ PORT: '4400' });
    expect(site.publicUrl.href).toBe('http://localhost:4400/');
    expect([...site.allowedHosts]).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
    expect(site.devMailbox).toBe(false);
  });

  it('builds on PORTAL_PUBLIC_URL and allows only its host and the listed ones', () => {
    const { site } = loadConfig({
      PORTAL_PUBLIC_URL: 'https://portaal.school.nl/whatever?x=1',
      PORTAL_ALLOWED_HOSTS: 'intern.school.nl, Portaal2.school.nl',
    });
    expect(site.publicUrl.href).toBe('https://portaal.school.nl/');
    expect([...site.allowedHosts].sort()).toEqual(['intern.school.nl', 'portaal.school.nl', 'portaal2.school.nl']);
    expect(site.allowedHosts.has('localhost')).toBe(false);
  });

  it('trusts the X-Forwarded-For only of the proxies it is told about', () => {
    expect([...loadConfig({ PORTAL_TRUSTED_PROXIES: 'loopback, 10.0.0.5' }).site.trustedProxies]).toEqual(
      expect.arrayContaining(['127.0.0.1', '::1', '10.0.0.5']),
    );
    expect(loadConfig({}).site.trustedProxies.size).toBe(0);
  });

  it('the dev mailbox is off unless switched on, and never in Supabase mode', () => {
    expect(loadConfig({ PORTAL_DEV_MAILBOX: '1' }).site.devMailbox).toBe(true);
    expect(() =>
      loadConfig({
        SUPABASE_URL: 'https://x.supabase.co',
        SUPABASE_ANON_KEY: 'a',
        SUPABASE_SERVICE_ROLE_KEY: 's',
        PORTAL_PUBLIC_URL: 'https://portaal.school.nl',
        PORTAL_DEV_MAILBOX: '1',
      }),
    ).toThrow(/embedded mode only/);
  });

  it('Supabase mode needs a public URL, and a public URL must be http(s)', () => {
    expect(() => loadConfig({ SUPABASE_URL: 'https://x.supabase.co', SUPABASE_ANON_KEY: 'a', SUPABASE_SERVICE_ROLE_KEY: 's' })).toThrow(
      /PORTAL_PUBLIC_URL/,
    );
    expect(() => loadConfig({ PORTAL_PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PORTAL_PUBLIC_URL/);
  });
});

describe('limits per network address', () => {
  it('are as they are unless a school says many people share its network, within 1–50', () => {
    expect(loadConfig({}).site.clientLimitFactor).toBe(1);
    expect(loadConfig({ PORTAL_CLIENT_LIMIT_FACTOR: '10' }).site.clientLimitFactor).toBe(10);
    expect(() => loadConfig({ PORTAL_CLIENT_LIMIT_FACTOR: '0' })).toThrow(/PORTAL_CLIENT_LIMIT_FACTOR/);
    expect(() => loadConfig({ PORTAL_CLIENT_LIMIT_FACTOR: '500' })).toThrow(/PORTAL_CLIENT_LIMIT_FACTOR/);
  });
});
