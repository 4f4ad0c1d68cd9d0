import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServerClient, parseCookieHeader } from '@supabase/ssr';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { type RpcArgs, type RpcName, type RpcResult, toRpcError, validatedRpc } from '~/domain/rpc/index.ts';
import type { Config } from '~/server/config.ts';
import { signInLimits } from '~/server/sign-in-limits.ts';
import { publicUrl } from '~/server/site.ts';
import { supabaseHasSession } from './session.ts';
import {
  cookieSecurity,
  StorageRefused,
  type AuthPort,
  type Backend,
  FRESH_SIGN_IN_MINUTES,
  type Db,
  type RequestScope,
  type SessionUser,
  type StoragePort,
} from '~/server/port.ts';

/**
 * The Supabase adapter: supabase-js with the user's session from @supabase/ssr cookies
 * (HttpOnly: no browser-side client ever holds a token), PostgREST for `rpc`, Supabase Auth,
 * Supabase Storage. Clients are made per request and never shared.
 */

export interface SupabaseClients {
  /** Acts as the request's user; reads and writes the session cookies. */
  user: SupabaseClient;
  /** The service role, for the server's own checks. Never leaves the server. */
  service: SupabaseClient;
}

export const PUPIL_EMAIL_DOMAIN = 'pupils.invalid';
export const pupilEmail = (pupilId: string) => `pupil-${pupilId}@${PUPIL_EMAIL_DOMAIN}`;

export { supabaseHasSession };
const PUPIL_UNTIL_COOKIE = 'portal_pupil_until';

export function makeSupabaseClients(config: NonNullable<Config['supabase']>, scope: RequestScope): SupabaseClients {
  const security = cookieSecurity(scope.url);
  const user = createServerClient(config.url, config.anonKey, {
    cookies: {
      getAll: () => parseCookieHeader(scope.request.headers.get('cookie') ?? ''),
      setAll: (list) => {
        for (const { name, value, options } of list) {
          scope.cookies.set(name, value, { ...options, ...security } as Parameters<typeof scope.cookies.set>[2]);
        }
      },
    },
    cookieOptions: { ...security },
  });
  const service = createClient(config.url, config.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  return { user, service };
}

/** Calls one API function through PostgREST with the registry's argument and result schemas. */
export function supabaseRpc<N extends RpcName>(client: SupabaseClient, name: N, args: RpcArgs<N>): Promise<RpcResult<N>> {
  return validatedRpc(
    async (fn, parsed, entry) => {
      const { data, error } = await client.rpc(fn, parsed);
      if (error) throw toRpcError(error);
      return entry.returns === 'void' ? null : entry.returns === 'rows' ? (data ?? []) : data;
    },
    name,
    args,
  );
}

/** The service role through PostgREST, for the server's own work at start-up. */
export function supabaseAdminDb(config: Config): Db {
  const service = createClient(config.supabase!.url, config.supabase!.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  return { rpc: (name, args) => supabaseRpc(service, name, args) };
}

/** Removes a stored file with the service key (for the retention job). */
export function supabaseRemoveFile(config: Config): (bucket: string, name: string) => Promise<void> {
  const service = createClient(config.supabase!.url, config.supabase!.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  return async (bucket, name) => {
    const { error } = await service.storage.from(bucket).remove([name]);
    if (error) throw error;
  };
}

function signPupilUntil(secret: string, userId: string, until: Date): string {
  const payload = `${userId}.${until.getTime()}`;
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

function pupilUntilValid(secret: string, userId: string, value: string | undefined): boolean {
  if (!value) return false;
  const [id, ms, mac] = value.split('.');
  if (id !== userId || !ms || !mac) return false;
  const expected = createHmac('sha256', secret).update(`${id}.${ms}`).digest('base64url');
  const a = Buffer.from(mac);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) && Number(ms) > Date.now();
}

export function supabaseBackend(
  config: Config,
  scope: RequestScope,
  log: (line: string) => void,
  make: (c: NonNullable<Config['supabase']>, s: RequestScope) => SupabaseClients = makeSupabaseClients,
): Backend {
  const settings = config.supabase!;
  const clients = make(settings, scope);
  const db: Db = { rpc: (name, args) => supabaseRpc(clients.user, name, args) };
  const admin: Db = { rpc: (name, args) => supabaseRpc(clients.service, name, args) };
  const event = async (kind: string, outcome: string) => {
    log(`sign-in ${kind}: ${outcome}`);
    await admin.rpc('record_sign_in_event', { p_kind: kind, p_outcome: outcome }).catch(() => undefined);
  };
  let cached: Promise<SessionUser | null> | undefined;
  const limits = signInLimits(admin);

  const auth: AuthPort = {
    hasSession: () => supabaseHasSession(parseCookieHeader(scope.request.headers.get('cookie') ?? '').map((c) => c.name)),

    getUser() {
      cached ??= (async () => {
        // getClaims verifies the access token's signature (and asks the Auth server when the
        // project still uses a symmetric secret); a bare getSession() would trust the cookie.
        const { data, error } = await clients.user.auth.getClaims();
        if (error || !data?.claims?.sub) return null;
        const email = (data.claims.email as string | undefined) ?? null;
        const kind = email?.endsWith(`@${PUPIL_EMAIL_DOMAIN}`) ? 'pupil' : 'person';
        if (kind === 'pupil' && !pupilUntilValid(settings.serviceRoleKey, data.claims.sub, scope.cookies.get(PUPIL_UNTIL_COOKIE)?.value)) {
          // The school day is over: the pupil's session ends.
          await clients.user.auth.signOut({ scope: 'local' });
          return null;
        }
        return { id: data.claims.sub, email: kind === 'pupil' ? null : email, kind };
      })();
      return cached;
    },

    async sendSignInCode({ email, allowNewAccount, next, lang }) {
      const address = email.trim().toLowerCase();
      const locked = await limits.lockedUntil(['codeSendAddress', address], ['codeSendClient', scope.client]);
      if (locked) {
        await event('email_code', 'limited');
        return { ok: false, reason: 'limited', until: locked };
      }
      await limits.hit(['codeSendAddress', address], ['codeSendClient', scope.client]);
      const { error } = await clients.user.auth.signInWithOtp({
        email: address,
        options: {
          shouldCreateUser: allowNewAccount,
          emailRedirectTo: publicUrl(`/auth/confirm?next=${encodeURIComponent(next)}`),
          data: { locale: lang },
        },
      });
      // An unknown address without an invitation gets no mail, and no different answer.
      await event('email_code', error ? 'not_sent' : 'sent');
      return { ok: true };
    },

    async verifySignInCode(email, code) {
      const address = email.trim().toLowerCase();
      const locked = await limits.lockedUntil(['codeCheckAddress', address], ['codeCheckClient', scope.client]);
      if (locked) {
        await event('email_code', 'limited');
        return { ok: false, reason: 'limited', until: locked };
      }
      const { data, error } = await clients.user.auth.verifyOtp({ email: address, token: code.replace(/\s/g, ''), type: 'email' });
      if (error || !data.user) {
        // Supabase answers "expired or invalid" alike, and has no per-code limit: every wrong try counts here.
        const until = await limits.hit(['codeCheckAddress', address], ['codeCheckClient', scope.client]);
        await event('email_code', until ? 'limited' : 'wrong_code');
        return until ? { ok: false, reason: 'limited', until } : { ok: false, reason: 'wrong_code' };
      }
      // Signed in: the address's locks go, asking for codes included (its owner holds it).
      await limits.clear(['codeCheckAddress', address], ['passwordAddress', address], ['codeSendAddress', address]);
      await event('email_code', 'ok');
      cached = undefined;
      return { ok: true, userId: data.user.id };
    },

    async verifyMagicLink(token) {
      const { data, error } = await clients.user.auth.verifyOtp({ token_hash: token, type: 'email' });
      await event('magic_link', error ? 'expired' : 'ok');
      cached = undefined;
      if (error || !data.user) return { ok: false, reason: 'expired' };
      return { ok: true, userId: data.user.id };
    },

    async signInWithPassword(email, password) {
      const address = email.trim().toLowerCase();
      const locked = await limits.lockedUntil(['passwordAddress', address], ['passwordClient', scope.client]);
      if (locked) {
        await event('password', 'limited');
        return { ok: false, reason: 'limited', until: locked };
      }
      const { data, error } = await clients.user.auth.signInWithPassword({ email: address, password });
      cached = undefined;
      if (error || !data.user) {
        const until = await limits.hit(['passwordAddress', address], ['passwordClient', scope.client]);
        await event('password', until ? 'limited' : 'wrong_password');
        return until ? { ok: false, reason: 'limited', until } : { ok: false, reason: 'wrong_password' };
      }
      await limits.clear(['passwordAddress', address]);
      await event('password', 'ok');
      return { ok: true, userId: data.user.id };
    },

    async setPassword(password, current) {
      const { data, error: userError } = await clients.user.auth.getUser();
      if (userError || !data.user?.email) throw userError ?? new Error('not signed in');
      const user = data.user;
      if (user.app_metadata?.has_password === true) {
        // The current password, checked on a client of its own: this session stays as it is.
        const check = createClient(settings.url, settings.anonKey, {
          auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        });
        const { error } = await check.auth.signInWithPassword({ email: user.email!, password: current ?? '' });
        if (error) {
          await event('password', 'wrong_current');
          return { ok: false, reason: 'wrong_current' };
        }
        await check.auth.signOut({ scope: 'local' });
      } else if (!user.last_sign_in_at || Date.parse(user.last_sign_in_at) < Date.now() - FRESH_SIGN_IN_MINUTES * 60_000) {
        await event('password', 'not_fresh');
        return { ok: false, reason: 'not_fresh' };
      }
      const { error } = await clients.user.auth.updateUser({ password });
      if (error) throw error;
      await clients.service.auth.admin.updateUserById(user.id, { app_metadata: { has_password: true } });
      // Every other session ends (GoTrue revokes their refresh tokens); this one stays.
      await clients.user.auth.signOut({ scope: 'others' });
      await event('password', 'set');
      return { ok: true };
    },

    async hasPassword() {
      const { data } = await clients.user.auth.getUser();
      return data.user?.app_metadata?.has_password === true;
    },

    async signOut() {
      await clients.user.auth.signOut({ scope: 'local' });
      scope.cookies.delete(PUPIL_UNTIL_COOKIE, { path: '/' });
      cached = Promise.resolve(null);
      await event('sign_out', 'ok');
    },

    async startPupilSession({ pupilId, userId, endsAt }) {
      const email = pupilEmail(pupilId);
      let id = userId;
      if (!id) {
        const { data, error } = await clients.service.auth.admin.createUser({
          email,
          email_confirm: true,
          app_metadata: { provider: 'class_mode' },
        });
        if (error || !data.user) throw error ?? new Error('could not create the pupil identity');
        id = data.user.id;
        await admin.rpc('link_pupil_user', { p_pupil: pupilId, p_user: id });
      }
      // A one-time link for the pupil's identity, redeemed at once on the server: the
      // session cookies are set exactly as for a person who clicked a magic link.
      const { data: link, error: linkError } = await clients.service.auth.admin.generateLink({ type: 'magiclink', email });
      if (linkError || !link.properties?.hashed_token) throw linkError ?? new Error('no link for the pupil');
      const { error } = await clients.user.auth.verifyOtp({ token_hash: link.properties.hashed_token, type: 'magiclink' });
      if (error) throw error;
      scope.cookies.set(PUPIL_UNTIL_COOKIE, signPupilUntil(settings.serviceRoleKey, id, endsAt), {
        ...cookieSecurity(scope.url),
        expires: endsAt,
      });
      cached = undefined;
      await event('pupil', 'ok');
    },
  };

  const storage: StoragePort = {
    async put(bucket, path, bytes, contentType) {
      const { error } = await clients.user.storage.from(bucket).upload(path, bytes, { contentType, upsert: false });
      if (error) {
        const status = String((error as { statusCode?: string | number }).statusCode ?? '');
        if (status === '413' || /size/i.test(error.message)) throw new StorageRefused('too_large');
        if (/mime/i.test(error.message)) throw new StorageRefused('wrong_type');
        if (status === '409' || /exists|duplicate/i.test(error.message)) throw new StorageRefused('exists');
        throw new StorageRefused('forbidden');
      }
    },
    async get(bucket, path) {
      const { data, error } = await clients.user.storage.from(bucket).download(path);
      if (error || !data) return null;
      return { bytes: new Uint8Array(await data.arrayBuffer()), contentType: data.type || 'application/octet-stream' };
    },
    async getPublic(bucket, path) {
      const response = await fetch(clients.service.storage.from(bucket).getPublicUrl(path).data.publicUrl);
      if (!response.ok) return null;
      return {
        bytes: new Uint8Array(await response.arrayBuffer()),
        contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
    async remove(bucket, path) {
      const { data, error } = await clients.user.storage.from(bucket).remove([path]);
      if (error || !data?.length) throw new StorageRefused('forbidden');
    },
    publicUrl(bucket, path) {
      return clients.service.storage.from(bucket).getPublicUrl(path).data.publicUrl;
    },
  };

  return { mode: 'supabase', db, admin, auth, storage };
}
