import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { getT } from '~/i18n/index.ts';
import type { AuthPort, Db, RequestScope, SessionUser, SignInResult } from '../port.ts';
import { cookieSecurity, FRESH_SIGN_IN_MINUTES } from '../port.ts';
import { mailQueued } from '../mail/signal.ts';
import { signInLimits } from '../sign-in-limits.ts';
import { publicUrl } from '../site.ts';
import type { SqlEngine } from './sql.ts';

/**
 * The embedded mode's small auth module, with the session shape Supabase Auth has (claims
 * `sub`, `role`, `email`). Sessions live on the server: the cookie holds a random token whose
 * hash is looked up on every request, so signing out ends the session everywhere at once. Its
 * SQL is the functions of supabase/embedded/0005_embedded_auth_api.sql; the limits on tries are
 * shared with the Supabase adapter (sign-in-limits.ts).
 */

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

export const SESSION_COOKIE = 'portal_session';

/** The embedded session cookie is there (not yet verified). */
export function embeddedHasSession(cookieNames: readonly string[]): boolean {
  return cookieNames.includes(SESSION_COOKIE);
}

const CODE_TTL_MINUTES = 10;
const MAX_CODE_ATTEMPTS = 5;
const PERSON_SESSION_DAYS = 30;
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 };
// Checked when an address has no usable password, so every answer costs one scrypt (no timing
// difference between "no such account", "no password" and "wrong password").
const DUMMY_HASH = `scrypt$16384$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Always runs scrypt once, whatever is stored; true only for a real hash that matches. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const usable = (stored ?? '').split('$').length === 6 && (stored ?? '').startsWith('scrypt$');
  const [, n, r, p, salt, hash] = (usable ? stored! : DUMMY_HASH).split('$') as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return usable && actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface EmbeddedAuthDeps {
  /** The owner connection: the auth module's SQL is not reachable for the API roles. */
  owner: SqlEngine;
  admin: Db;
  scope: RequestScope;
  log: (event: string) => void;
}

export function createEmbeddedAuth({ owner, admin, scope, log }: EmbeddedAuthDeps): AuthPort {
  const { cookies, url, client } = scope;
  const limits = signInLimits(admin);
  let cached: Promise<SessionUser | null> | undefined;
  const call = <T extends Record<string, unknown>>(text: string, params: unknown[]) =>
    owner.transaction((sql) => sql.query<T>(text, params));

  const event = async (kind: string, outcome: string) => {
    log(`sign-in ${kind}: ${outcome}`);
    await admin.rpc('record_sign_in_event', { p_kind: kind, p_outcome: outcome }).catch(() => undefined);
  };

  async function startSession(userId: string, kind: 'person' | 'pupil', expiresAt: Date): Promise<void> {
    const token = newToken();
    const previous = cookies.get(SESSION_COOKIE)?.value ?? '';
    await call('select embedded_auth.start_session($1, $2, $3, $4, $5)', [
      userId,
      sha256(token),
      kind,
      expiresAt.toISOString(),
      sha256(previous),
    ]);
    cookies.set(SESSION_COOKIE, token, { ...cookieSecurity(url), expires: expiresAt });
    cached = Promise.resolve({ id: userId, email: null, kind });
  }

  const personSessionEnd = () => new Date(Date.now() + PERSON_SESSION_DAYS * 24 * 3600 * 1000);

  /**
   * A right code or link: the person is signed in, and the address's locks lifted (the owner has
   * shown they hold it: asking for codes no longer counts against them; a stranger cannot lift it).
   */
  async function completeCode(codeId: string, address: string): Promise<SignInResult> {
    const [row] = await call<{ id: string | null }>('select embedded_auth.complete_code($1) as id', [codeId]);
    if (!row?.id) return { ok: false, reason: 'no_account' };
    await limits.clear(['passwordAddress', address], ['codeCheckAddress', address], ['codeSendAddress', address]);
    await startSession(row.id, 'person', personSessionEnd());
    return { ok: true, userId: row.id };
  }

  return {
    hasSession: () => cookies.has(SESSION_COOKIE),

    getUser() {
      cached ??= (async () => {
        const token = cookies.get(SESSION_COOKIE)?.value;
        if (!token || token.length > 100) return null;
        const [row] = await call<{ user_id: string; kind: 'person' | 'pupil'; email: string | null }>(
          'select * from embedded_auth.session_user($1)',
          [sha256(token)],
        );
        if (!row) {
          // A tampered, expired or signed-out cookie: forget it.
          cookies.delete(SESSION_COOKIE, { path: '/' });
          return null;
        }
        return { id: row.user_id, email: row.email, kind: row.kind };
      })();
      return cached;
    },

    async sendSignInCode({ email, lang, allowNewAccount, next }) {
      const address = normalizeEmail(email);
      // Counted for every address, with or without an account: the limits say nothing about either.
      const locked = await limits.lockedUntil(['codeSendAddress', address], ['codeSendClient', client]);
      if (locked) {
        await event('email_code', 'limited');
        return { ok: false, reason: 'limited', until: locked };
      }
      await limits.hit(['codeSendAddress', address], ['codeSendClient', client]);
      const [account] = await call<{ id: string }>('select * from embedded_auth.account($1)', [address]);
      if (!account && !allowNewAccount) {
        await event('email_code', 'unknown_address');
        return { ok: true };
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const linkToken = newToken();
      const t = getT(lang, 'auth');
      // The code and the mail that carries it are one transaction: the outbox (0006) sends it.
      await call('select embedded_auth.issue_code($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
        address,
        sha256(`${address}:${code}`),
        sha256(linkToken),
        allowNewAccount,
        next,
        CODE_TTL_MINUTES,
        t('mail.subject'),
        t('mail.body', { code, validity: t('mail.validity', { count: CODE_TTL_MINUTES }) }),
        publicUrl(`/auth/confirm?token=${linkToken}`),
        lang,
      ]);
      mailQueued();
      await event('email_code', 'sent');
      return { ok: true };
    },

    async verifySignInCode(email, typed) {
      const address = normalizeEmail(email);
      const locked = await limits.lockedUntil(['codeCheckAddress', address], ['codeCheckClient', client]);
      if (locked) {
        await event('email_code', 'limited');
        return { ok: false, reason: 'limited', until: locked };
      }
      const [row] = await call<{ id: string; code_hash: string; attempts: number; state: 'open' | 'used' | 'expired' }>(
        'select * from embedded_auth.current_code($1)',
        [address],
      );
      const wrong = async (reason: 'wrong_code' | 'locked'): Promise<SignInResult> => {
        const until = await limits.hit(['codeCheckAddress', address], ['codeCheckClient', client]);
        await event('email_code', until ? 'limited' : reason);
        return until ? { ok: false, reason: 'limited', until } : { ok: false, reason };
      };
      // No code was ever sent to this address: to the person, simply a wrong code.
      if (!row) return wrong('wrong_code');
      if (row.state !== 'open') return { ok: false, reason: row.state };
      if (row.attempts >= MAX_CODE_ATTEMPTS) return { ok: false, reason: 'locked' };
      const expected = Buffer.from(row.code_hash);
      const actual = Buffer.from(sha256(`${address}:${typed.replace(/\s/g, '')}`));
      if (!timingSafeEqual(expected, actual)) {
        const [failed] = await call<{ attempts: number }>('select embedded_auth.fail_code($1) as attempts', [row.id]);
        return wrong((failed?.attempts ?? MAX_CODE_ATTEMPTS) >= MAX_CODE_ATTEMPTS ? 'locked' : 'wrong_code');
      }
      const result = await completeCode(row.id, address);
      await event('email_code', result.ok ? 'ok' : result.reason);
      return result;
    },

    async verifyMagicLink(token) {
      const [row] = await call<{ id: string; email: string; attempts: number; state: 'open' | 'used' | 'expired'; next: string | null }>(
        'select * from embedded_auth.code_by_link($1)',
        [sha256(token)],
      );
      if (!row) return { ok: false, reason: 'expired' };
      if (row.state !== 'open') return { ok: false, reason: row.state };
      if (row.attempts >= MAX_CODE_ATTEMPTS) return { ok: false, reason: 'locked' };
      const result = await completeCode(row.id, row.email);
      await event('magic_link', result.ok ? 'ok' : result.reason);
      return { ...result, ...(row.next ? { next: row.next } : {}) };
    },

    async signInWithPassword(email, password) {
      const address = normalizeEmail(email);
      const locked = await limits.lockedUntil(['passwordAddress', address], ['passwordClient', client]);
      const [account] = await call<{ id: string; encrypted_password: string }>('select * from embedded_auth.account($1)', [address]);
      // One scrypt on every path, locked or not, account or not: the answer's timing tells nothing.
      const ok = await verifyPassword(password, account?.encrypted_password);
      if (locked) {
        await event('password', 'limited');
        return { ok: false, reason: 'limited', until: locked };
      }
      if (!account || !ok) {
        const until = await limits.hit(['passwordAddress', address], ['passwordClient', client]);
        await event('password', until ? 'limited' : 'wrong_password');
        return until ? { ok: false, reason: 'limited', until } : { ok: false, reason: 'wrong_password' };
      }
      await limits.clear(['passwordAddress', address]);
      await startSession(account.id, 'person', personSessionEnd());
      await event('password', 'ok');
      return { ok: true, userId: account.id };
    },

    async setPassword(password, current) {
      const user = await this.getUser();
      if (user?.kind !== 'person') throw new Error('not signed in');
      const token = sha256(cookies.get(SESSION_COOKIE)?.value ?? '');
      const [row] = await call<{ encrypted_password: string | null; fresh: boolean }>(
        `select u.encrypted_password,
                s.created_at > now() - make_interval(mins => $3) as fresh
         from auth.users u join embedded_auth.sessions s on s.user_id = u.id and s.token_hash = $2
         where u.id = $1`,
        [user.id, token, FRESH_SIGN_IN_MINUTES],
      );
      if (!row) throw new Error('not signed in');
      if (row.encrypted_password) {
        // A borrowed session does not know the password it would replace.
        if (!(await verifyPassword(current ?? '', row.encrypted_password))) {
          await event('password', 'wrong_current');
          return { ok: false, reason: 'wrong_current' };
        }
      } else if (!row.fresh) {
        await event('password', 'not_fresh');
        return { ok: false, reason: 'not_fresh' };
      }
      await call('select embedded_auth.set_password($1, $2)', [user.id, await hashPassword(password)]);
      // Every other session ends: a copied cookie or a forgotten device no longer opens the account.
      await call('delete from embedded_auth.sessions where user_id = $1 and token_hash <> $2', [user.id, token]);
      await event('password', 'set');
      return { ok: true };
    },

    async hasPassword() {
      const user = await this.getUser();
      if (user?.kind !== 'person') return false;
      const [row] = await call<{ has: boolean }>(`select coalesce(encrypted_password, '') <> '' as has from auth.users where id = $1`, [
        user.id,
      ]);
      return row?.has ?? false;
    },

    async signOut() {
      const token = cookies.get(SESSION_COOKIE)?.value;
      if (token) await call('select embedded_auth.end_session($1)', [sha256(token)]);
      cookies.delete(SESSION_COOKIE, { path: '/' });
      cached = Promise.resolve(null);
      await event('sign_out', 'ok');
    },

    async startPupilSession({ pupilId, userId, endsAt }) {
      let id = userId;
      if (!id) {
        const [created] = await call<{ id: string }>('select embedded_auth.create_pupil_user() as id', []);
        id = created!.id;
        await admin.rpc('link_pupil_user', { p_pupil: pupilId, p_user: id });
      }
      await startSession(id, 'pupil', endsAt);
      await event('pupil', 'ok');
    },
  };
}
