import { describe, expect, it, vi } from 'vitest';
import { RpcError } from '~/domain/rpc/index.ts';
import { requestHasSession } from '~/server/backend.ts';
import type { Config } from '~/server/config.ts';
import { setSite, site } from '~/server/site.ts';
import type { RequestScope } from '~/server/port.ts';
import { pupilEmail, supabaseBackend, supabaseRpc, type SupabaseClients } from '~/server/supabase/index.ts';

/**
 * How port calls map onto supabase-js, with a fake client: which method is called with
 * what, and how its answers and errors come back through the port.
 */
function fakeClient(overrides: Record<string, unknown> = {}) {
  return {
    rpc: vi.fn(async () => ({ data: [], error: null })),
    auth: {
      getClaims: vi.fn(async () => ({ data: null, error: null })),
      signInWithOtp: vi.fn(async () => ({ data: {}, error: null })),
      verifyOtp: vi.fn(async () => ({ data: { user: { id: 'u1' } }, error: null })),
      signInWithPassword: vi.fn(async () => ({ data: { user: { id: 'u1' } }, error: null })),
      updateUser: vi.fn(async () => ({ data: {}, error: null })),
      signOut: vi.fn(async () => ({ error: null })),
      admin: {
        createUser: vi.fn(async () => ({ data: { user: { id: 'pupil-user' } }, error: null })),
        generateLink: vi.fn(async () => ({ data: { properties: { hashed_token: 'hashed' } }, error: null })),
      },
    },
    storage: {
      from: vi.fn(() => ({
        upload: vi.fn(async () => ({ data: {}, error: null })),
        download: vi.fn(async () => ({ data: null, error: { message: 'not found' } })),
        remove: vi.fn(async () => ({ data: [{}], error: null })),
        getPublicUrl: vi.fn((path: string) => ({
          data: { publicUrl: `https://x.supabase.co/storage/v1/object/public/school-assets/${path}` },
        })),
      })),
    },
    ...overrides,
  };
}

function setup() {
  const user = fakeClient();
  const service = fakeClient();
  const jar = new Map<string, string>();
  const scope = {
    url: new URL('https://portal.example/nl/app'),
    request: new Request('https://portal.example/nl/app'),
    client: '203.0.113.7',
    cookies: {
      get: (name: string) => (jar.has(name) ? { value: jar.get(name)! } : undefined),
      set: (name: string, value: string) => jar.set(name, value),
      delete: (name: string) => jar.delete(name),
      has: (name: string) => jar.has(name),
    },
  } as unknown as RequestScope;
  const config: Config = {
    mode: 'supabase',
    supabase: { url: 'https://x.supabase.co', anonKey: 'anon', serviceRoleKey: 'service-secret' },
    dataDir: '.data',
    seed: false,
    site: {
      publicUrl: new URL('https://portal.example/'),
      allowedHosts: new Set(['portal.example']),
      trustedProxies: new Set(),
      devMailbox: false,
      clientLimitFactor: 1,
    },
  };
  setSite(config.site);
  const backend = supabaseBackend(
    config,
    scope,
    () => undefined,
    () => ({ user, service }) as unknown as SupabaseClients,
  );
  return { user, service, backend, jar };
}

describe('Supabase adapter', () => {
  it('rpc calls PostgREST as the user with validated arguments and returns the rows', async () => {
    const { user, backend } = setup();
    user.rpc.mockResolvedValueOnce({
      data: [{ pupil_id: '7b0c5b8e-8f2b-4c34-9d7a-2d1f1f0b9a11', first_name: 'Sara', has_signed_in: false, avatar: 'owl' }],
      error: null,
    } as never);
    const rows = await backend.db.rpc('class_pupils', { p_class: '1f0e4f6a-3b2c-4d5e-8f90-a1b2c3d4e5f6' });
    expect(user.rpc).toHaveBeenCalledWith('class_pupils', { p_class: '1f0e4f6a-3b2c-4d5e-8f90-a1b2c3d4e5f6' });
    expect(rows[0]?.first_name).toBe('Sara');
  });

  it('refuses invalid arguments before any request', async () => {
    const { user, backend } = setup();
    await expect(backend.db.rpc('class_pupils', { p_class: 'not-a-uuid' })).rejects.toMatchObject({ code: 'invalid' });
    expect(user.rpc).not.toHaveBeenCalled();
  });

  it('refuses an unknown function name before any request', async () => {
    const { user } = setup();
    await expect(supabaseRpc(user as never, 'drop_everything' as never, {} as never)).rejects.toBeInstanceOf(RpcError);
    expect(user.rpc).not.toHaveBeenCalled();
  });

  it('maps PostgREST errors the way the embedded adapter maps PostgreSQL errors', async () => {
    const { user, backend } = setup();
    user.rpc.mockResolvedValueOnce({ data: null, error: { code: 'P0001', message: 'invitation_used', details: null } } as never);
    await expect(
      backend.db.rpc('redeem_invitation', { p_code: 'X', p_school_slug: null, p_display_name: 'A', p_locale: 'nl' }),
    ).rejects.toMatchObject({ code: 'invitation_used' });
    user.rpc.mockResolvedValueOnce({ data: null, error: { code: '42501', message: 'permission denied', details: null } } as never);
    await expect(backend.db.rpc('my_children', {})).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('admin calls go through the service client, never the user client', async () => {
    const { user, service, backend } = setup();
    service.rpc.mockResolvedValueOnce({ data: null, error: null } as never);
    expect(await backend.admin.rpc('auth_limit_state', { p_keys: ['a'.repeat(64)] })).toBeNull();
    expect(service.rpc).toHaveBeenCalledOnce();
    expect(user.rpc).not.toHaveBeenCalled();
  });

  it('verifies the user with getClaims, not a bare session', async () => {
    const { user, backend } = setup();
    user.auth.getClaims.mockResolvedValueOnce({ data: { claims: { sub: 'u1', email: 'ouder@example.org' } }, error: null } as never);
    expect(await backend.auth.getUser()).toEqual({ id: 'u1', email: 'ouder@example.org', kind: 'person' });
    expect(user.auth.getClaims).toHaveBeenCalledOnce();
  });

  it('sends a code without creating an account unless an invitation allows it', async () => {
    const { user, service, backend } = setup();
    service.rpc.mockResolvedValue({ data: null, error: null } as never);
    await backend.auth.sendSignInCode({ email: ' Ouder@Example.org ', lang: 'ar', allowNewAccount: false, next: '/ar/app' });
    expect(user.auth.signInWithOtp).toHaveBeenCalledWith({
      email: 'ouder@example.org',
      options: { shouldCreateUser: false, emailRedirectTo: 'https://portal.example/auth/confirm?next=%2Far%2Fapp', data: { locale: 'ar' } },
    });
  });

  it('a wrong code counts against the address and the client; past the limit, the person is told until when', async () => {
    const { user, service, backend } = setup();
    const until = new Date(Date.now() + 15 * 60_000).toISOString();
    service.rpc.mockImplementation((async (name: string) => {
      if (name === 'auth_limit_hit') return { data: until, error: null };
      return { data: null, error: null };
    }) as never);
    user.auth.verifyOtp.mockResolvedValueOnce({ data: { user: null }, error: { message: 'Token has expired or is invalid' } } as never);
    expect(await backend.auth.verifySignInCode('ouder@example.org', '123456')).toEqual({
      ok: false,
      reason: 'limited',
      until: new Date(until),
    });
    expect(service.rpc).toHaveBeenCalledWith('auth_limit_hit', expect.objectContaining({ p_limit: 10 }));
  });

  it('a locked address is told until when, and Supabase is not even asked', async () => {
    const { user, service, backend } = setup();
    const until = new Date(Date.now() + 5 * 60_000).toISOString();
    service.rpc.mockImplementation((async (name: string) => ({ data: name === 'auth_limit_state' ? until : null, error: null })) as never);
    expect(await backend.auth.signInWithPassword('ouder@example.org', 'x')).toEqual({
      ok: false,
      reason: 'limited',
      until: new Date(until),
    });
    expect(await backend.auth.sendSignInCode({ email: 'ouder@example.org', lang: 'nl', allowNewAccount: false, next: '/nl/app' })).toEqual({
      ok: false,
      reason: 'limited',
      until: new Date(until),
    });
    expect(user.auth.signInWithPassword).not.toHaveBeenCalled();
    expect(user.auth.signInWithOtp).not.toHaveBeenCalled();
  });

  it('says whether a request carries a Supabase session, from its cookies alone (hole 7)', () => {
    const withCookie = (cookie: string) =>
      supabaseBackend(
        {
          mode: 'supabase',
          supabase: { url: 'https://x.supabase.co', anonKey: 'a', serviceRoleKey: 's' },
          dataDir: '.data',
          seed: false,
          site: site(),
        },
        {
          url: new URL('https://portal.example/nl/s/demo/leaflets'),
          request: new Request('https://portal.example/', { headers: { cookie } }),
          client: '',
          cookies: { has: () => false },
        } as unknown as RequestScope,
        () => undefined,
        () => ({ user: fakeClient(), service: fakeClient() }) as unknown as SupabaseClients,
      ).auth.hasSession();
    expect(withCookie('sb-abcdefgh-auth-token=base64-eyJ; portal_locale=nl')).toBe(true);
    expect(withCookie('sb-abcdefgh-auth-token.0=part; sb-abcdefgh-auth-token.1=part')).toBe(true);
    expect(withCookie('portal_locale=ar')).toBe(false);
    expect(requestHasSession('supabase', 'portal_locale=ar; sb-xyz-auth-token=1')).toBe(true);
    // The embedded cookie means nothing in Supabase mode, and the other way round.
    expect(requestHasSession('supabase', 'portal_session=abc')).toBe(false);
    expect(requestHasSession('pglite', 'sb-xyz-auth-token=1')).toBe(false);
    expect(requestHasSession('pglite', 'portal_session=abc')).toBe(true);
  });

  it('a pupil session: identity created once, a server-side magic link redeemed, an end-of-day cookie set', async () => {
    const { user, service, backend, jar } = setup();
    const endsAt = new Date(Date.now() + 3_600_000);
    const pupil = '5d1c6a0e-2b1f-4c7e-9a3d-0b8e7f6a5c4d';
    const pupilUser = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
    service.auth.admin.createUser.mockResolvedValueOnce({ data: { user: { id: pupilUser } }, error: null } as never);
    await backend.auth.startPupilSession({ pupilId: pupil, userId: null, endsAt });
    expect(service.auth.admin.createUser).toHaveBeenCalledWith(expect.objectContaining({ email: pupilEmail(pupil), email_confirm: true }));
    expect(service.rpc).toHaveBeenCalledWith('link_pupil_user', { p_pupil: pupil, p_user: pupilUser });
    expect(service.auth.admin.generateLink).toHaveBeenCalledWith({ type: 'magiclink', email: pupilEmail(pupil) });
    expect(user.auth.verifyOtp).toHaveBeenCalledWith({ token_hash: 'hashed', type: 'magiclink' });
    expect(jar.get('portal_pupil_until')).toMatch(new RegExp(`^${pupilUser}\\.\\d+\\.`));

    // Within the school day the pupil's session holds.
    user.auth.getClaims.mockResolvedValue({ data: { claims: { sub: pupilUser, email: pupilEmail(pupil) } }, error: null } as never);
    expect((await backend.auth.getUser())?.kind).toBe('pupil');
  });

  it('a pupil whose end-of-day cookie is missing or forged is signed out', async () => {
    const { user, backend, jar } = setup();
    jar.set('portal_pupil_until', `pupil-user.${Date.now() + 3_600_000}.forged`);
    user.auth.getClaims.mockResolvedValue({ data: { claims: { sub: 'pupil-user', email: pupilEmail('p1') } }, error: null } as never);
    expect(await backend.auth.getUser()).toBeNull();
    expect(user.auth.signOut).toHaveBeenCalled();
  });

  it('storage uploads as the user and maps refusals', async () => {
    const { user, backend } = setup();
    const bucket = {
      upload: vi.fn(async () => ({ data: null, error: { message: 'new row violates row-level security policy', statusCode: '403' } })),
    };
    user.storage.from.mockReturnValueOnce(bucket as never);
    await expect(backend.storage.put('school-assets', 'a/b.png', new Uint8Array([1]), 'image/png')).rejects.toMatchObject({
      reason: 'forbidden',
    });
    expect(bucket.upload).toHaveBeenCalledWith('a/b.png', expect.any(Uint8Array), { contentType: 'image/png', upsert: false });
  });
});
