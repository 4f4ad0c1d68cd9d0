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
    expect(loadConfig({ SUPABASE_URL: 'https://x.supabase.co', SUPABASE_ANON_KEY: 'a', SUPABASE_SERVICE_ROLE_KEY: 's' }).mode).toBe(
      'supabase',
    );
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
