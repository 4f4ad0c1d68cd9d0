import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcError } from '~/domain/rpc/index.ts';
import { loadConfig } from '~/server/config.ts';
import { embeddedBackend } from '~/server/embedded/index.ts';
import { seedFile } from '~/server/embedded/migrate.ts';
import { openPglite, type SqlEngine } from '~/server/embedded/sql.ts';
import type { Backend, RequestScope } from '~/server/port.ts';
import { StorageRefused } from '~/server/port.ts';
import { supabaseBackend } from '~/server/supabase/index.ts';
import { PGLITE_OFF, pgliteSnapshot } from './harness.ts';

/**
 * The backend port's contract: the same cases against the embedded adapter (always) and the
 * Supabase adapter (when SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY point at
 * a Supabase with this project's migrations and seed, e.g. a local `supabase start`).
 */
function anonymousScope(): RequestScope {
  const jar = new Map<string, string>();
  return {
    url: new URL('http://localhost:4321/nl/'),
    request: new Request('http://localhost:4321/nl/'),
    client: '192.0.2.10',
    cookies: {
      get: (n: string) => (jar.has(n) ? { value: jar.get(n)! } : undefined),
      set: (n: string, v: string) => void jar.set(n, v),
      delete: (n: string) => void jar.delete(n),
      has: (n: string) => jar.has(n),
    },
  } as unknown as RequestScope;
}

type Factory = () => Promise<{ backend: () => Backend; close: () => Promise<void> }>;

const embedded: Factory = async () => {
  const engine: SqlEngine = await openPglite({ from: pgliteSnapshot() });
  await engine.transaction((sql) => sql.exec(seedFile()!.sql));
  const rt = {
    config: loadConfig({}),
    api: engine,
    owner: engine,
    report: { applied: [], seeded: true, fresh: true },
    dataDir: '/tmp/portal-contract',
    phases: {},
  };
  return { backend: () => embeddedBackend(rt, anonymousScope(), () => undefined), close: () => engine.close() };
};

const supabase: Factory = async () => {
  const config = loadConfig();
  return { backend: () => supabaseBackend(config, anonymousScope(), () => undefined), close: async () => undefined };
};

// The embedded adapter is tested in the PGlite run, not again in the run on another PostgreSQL version.
const ADAPTERS: Array<[string, Factory]> = [
  ...(PGLITE_OFF ? [] : ([['embedded', embedded]] as Array<[string, Factory]>)),
  ...(process.env.SUPABASE_URL ? ([['supabase', supabase]] as Array<[string, Factory]>) : []),
];

// With neither (the run on another PostgreSQL version, no Supabase), the file says so as a skipped case.
if (ADAPTERS.length === 0) {
  describe('backend port contract', () => {
    it.skip('runs in the PGlite run, or against a Supabase (SUPABASE_URL)', () => {});
  });
}

describe.each(ADAPTERS)('backend port contract: %s adapter', (_name, factory) => {
  let made: Awaited<ReturnType<Factory>>;
  beforeAll(async () => {
    made = await factory();
  }, 60_000);
  afterAll(() => made?.close());

  it('an anonymous visitor reads a school’s public facts', async () => {
    const [school] = await made.backend().db.rpc('school_by_slug', { p_slug: 'demo' });
    expect(school).toMatchObject({ slug: 'demo', name: 'Basisschool De Regenboog', default_locale: 'nl' });
  });

  it('an anonymous visitor is refused what needs a session', async () => {
    await expect(made.backend().db.rpc('my_children', {})).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('invalid arguments and unknown functions are refused before any SQL', async () => {
    await expect(made.backend().db.rpc('school_by_slug', { p_slug: 'x'.repeat(41) })).rejects.toMatchObject({ code: 'invalid' });
    await expect(made.backend().db.rpc('nope' as never, {} as never)).rejects.toBeInstanceOf(RpcError);
  });

  it('there is no user without a session, and a made-up code signs nobody in', async () => {
    const backend = made.backend();
    expect(await backend.auth.getUser()).toBeNull();
    await backend.auth.sendSignInCode({ email: 'nobody@example.org', lang: 'nl', allowNewAccount: false, next: '/nl/app' });
    expect(await backend.auth.verifySignInCode('nobody@example.org', '000000')).toMatchObject({ ok: false });
    expect(await backend.auth.getUser()).toBeNull();
  });

  it('an anonymous upload to school assets is refused by the bucket’s policy', async () => {
    const [school] = await made.backend().db.rpc('school_by_slug', { p_slug: 'demo' });
    await expect(
      made.backend().storage.put('school-assets', `${school!.id}/logo-test.png`, new Uint8Array([137, 80, 78, 71]), 'image/png'),
    ).rejects.toBeInstanceOf(StorageRefused);
  });

  it('the service role reads a class device roster only with a valid device token', async () => {
    expect(await made.backend().admin.rpc('class_device_roster', { p_device_token: 'not-a-device' })).toEqual([]);
  });
});
