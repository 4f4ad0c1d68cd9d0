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

describe('real mail (SMTP_URL and MAIL_FROM)', () => {
  const FROM = 'Basisschool De Regenboog <portaal@school.nl>';

  it('is off with neither, on with both, in either mode', () => {
    expect(loadConfig({}).smtp).toBeUndefined();
    expect(loadConfig({ SMTP_URL: 'smtp://portaal:geheim@smtp.school.nl:587', MAIL_FROM: FROM }).smtp).toEqual({
      url: 'smtp://portaal:geheim@smtp.school.nl:587',
      from: FROM,
    });
    expect(
      loadConfig({
        SUPABASE_URL: 'https://x.supabase.co',
        SUPABASE_ANON_KEY: 'a',
        SUPABASE_SERVICE_ROLE_KEY: 's',
        PORTAL_PUBLIC_URL: 'https://portaal.school.nl',
        SMTP_URL: 'smtps://smtp.school.nl',
        MAIL_FROM: 'portaal@school.nl',
      }).smtp,
    ).toEqual({ url: 'smtps://smtp.school.nl', from: 'portaal@school.nl' });
  });

  it('stops on half-set mail settings, saying which one is missing', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://smtp.school.nl:587' })).toThrow(/SMTP_URL and MAIL_FROM together; MAIL_FROM is missing/);
    expect(() => loadConfig({ MAIL_FROM: FROM })).toThrow(/SMTP_URL is missing/);
    // An empty value counts as unset.
    expect(() => loadConfig({ SMTP_URL: '', MAIL_FROM: FROM })).toThrow(/SMTP_URL is missing/);
  });

  it('refuses a malformed SMTP_URL without repeating it (it carries the password)', () => {
    for (const url of ['http://smtp.school.nl', 'smtp.school.nl:587', 'smtp://', 'smtp://user:geh eim@smtp.school.nl']) {
      let message = '';
      try {
        loadConfig({ SMTP_URL: url, MAIL_FROM: FROM });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, url).toMatch(/^Setting SMTP_URL is invalid/);
      expect(message).not.toContain('geh eim');
      expect(message).not.toContain('smtp.school.nl');
    }
  });

  it('refuses a MAIL_FROM that is not one address (or smuggles a header)', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://h', MAIL_FROM: '"De Regenboog" <portaal@school.nl>' }).smtp?.from).toBe(
      '"De Regenboog" <portaal@school.nl>',
    );
    for (const from of ['portaal', 'De Regenboog', 'a@school.nl, b@school.nl', 'School <portaal@school.nl>\r\nBcc: x@y.nl']) {
      expect(() => loadConfig({ SMTP_URL: 'smtp://h', MAIL_FROM: from }), from).toThrow(/MAIL_FROM/);
    }
  });
});

describe('backups (PORTAL_BACKUP_*, embedded mode with PGlite)', () => {
  it('go next to the data folder, unscheduled, keeping 14, unless told otherwise', () => {
    expect(loadConfig({}).backup).toEqual({ dir: expect.stringMatching(/[/\\]\.data-backups$/), nightly: false, keep: 14 });
    expect(loadConfig({ PORTAL_DATA_DIR: '/srv/portal/data' }).backup?.dir).toBe('/srv/portal/data-backups');
    expect(
      loadConfig({
        PORTAL_BACKUP_DIR: '/mnt/usb/portal',
        PORTAL_BACKUP_NIGHTLY: '1',
        PORTAL_BACKUP_KEEP: '30',
        PORTAL_BACKUP_INTERVAL_MINUTES: '60',
      }).backup,
    ).toEqual({ dir: '/mnt/usb/portal', nightly: true, keep: 30, intervalMinutes: 60 });
  });

  it('stop the start on a value that does not fit, or a folder inside the data folder', () => {
    for (const keep of ['0', '366', 'all', '-1', '1.5'])
      expect(() => loadConfig({ PORTAL_BACKUP_KEEP: keep }), keep).toThrow(/PORTAL_BACKUP_KEEP/);
    expect(() => loadConfig({ PORTAL_BACKUP_NIGHTLY: 'yes' })).toThrow(/PORTAL_BACKUP_NIGHTLY/);
    for (const minutes of ['0', '1441', 'hourly']) {
      expect(() => loadConfig({ PORTAL_BACKUP_NIGHTLY: '1', PORTAL_BACKUP_INTERVAL_MINUTES: minutes }), minutes).toThrow(
        /PORTAL_BACKUP_INTERVAL_MINUTES/,
      );
    }
    expect(() => loadConfig({ PORTAL_BACKUP_INTERVAL_MINUTES: '5' })).toThrow(/needs PORTAL_BACKUP_NIGHTLY=1/);
    expect(() => loadConfig({ PORTAL_DATA_DIR: '/srv/portal', PORTAL_BACKUP_DIR: '/srv/portal/backups' })).toThrow(
      /outside the data folder/,
    );
    expect(() => loadConfig({ PORTAL_DATA_DIR: '/srv/portal', PORTAL_BACKUP_DIR: '/srv/portal' })).toThrow(/outside the data folder/);
    expect(loadConfig({ PORTAL_DATA_DIR: '/srv/portal', PORTAL_BACKUP_DIR: '/srv/portal-backups' }).backup?.dir).toBe(
      '/srv/portal-backups',
    );
  });

  it('are for PGlite only: a PostgreSQL server and Supabase have their own tools', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db/portal' }).backup).toBeUndefined();
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app@db/portal', PORTAL_BACKUP_NIGHTLY: '1' })).toThrow(/pg_dump/);
    expect(() =>
      loadConfig({
        SUPABASE_URL: 'https://x.supabase.co',
        SUPABASE_ANON_KEY: 'a',
        SUPABASE_SERVICE_ROLE_KEY: 's',
        PORTAL_PUBLIC_URL: 'https://portaal.school.nl',
        PORTAL_BACKUP_NIGHTLY: '1',
      }),
    ).toThrow(/Supabase backs up the database itself/);
  });
});
