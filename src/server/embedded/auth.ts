import { createHash, randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { getT } from '~/i18n/index.ts';
import type { AuthPort, Db, RequestScope, SessionUser, SignInResult } from '~/server/port.ts';
import { cookieSecurity } from '~/server/port.ts';
import type { SqlEngine } from './sql.ts';

/**
 * The embedded mode's small auth module, with the session shape Supabase Auth has (claims
 * `sub`, `role`, `email`). Sessions live on the server: the cookie holds a random token whose
 * hash is looked up on every request, so signing out ends the session everywhere at once.
 */

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

export const SESSION_COOKIE = 'portal_session';
const CODE_TTL_MINUTES = 10;
const MAX_CODE_ATTEMPTS = 5;
const MAX_CODES_PER_QUARTER_HOUR = 5;
const PERSON_SESSION_DAYS = 30;
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 };

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

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

type CodeRow = {
  id: string;
  email: string;
  code_hash: string;
  create_user: boolean;
  attempts: number;
  expires_at: Date;
  used_at: Date | null;
  next: string | null;
};

export interface EmbeddedAuthDeps {
  /** The owner connection: the auth tables are not reachable for the API roles. */
  owner: SqlEngine;
  admin: Db;
  scope: RequestScope;
  /** Where mail goes in embedded mode: the dev mailbox. */
  log: (event: string) => void;
}

export function createEmbeddedAuth({ owner, admin, scope, log }: EmbeddedAuthDeps): AuthPort {
  const { cookies, url } = scope;
  let cached: Promise<SessionUser | null> | undefined;

  const event = async (kind: string, outcome: string) => {
    log(`sign-in ${kind}: ${outcome}`);
    await admin.rpc('record_sign_in_event', { p_kind: kind, p_outcome: outcome }).catch(() => undefined);
  };

  async function startSession(userId: string, kind: 'person' | 'pupil', expiresAt: Date): Promise<void> {
    const token = newToken();
    const previous = cookies.get(SESSION_COOKIE)?.value;
    await owner.transaction(async (sql) => {
      // A new session at every sign-in; the one this browser had before ends.
      if (previous) await sql.query('delete from embedded_auth.sessions where token_hash = $1', [sha256(previous)]);
      await sql.query('insert into embedded_auth.sessions (user_id, token_hash, kind, expires_at) values ($1, $2, $3, $4)', [
        userId,
        sha256(token),
        kind,
        expiresAt.toISOString(),
      ]);
      await sql.query('update auth.users set last_sign_in_at = now() where id = $1', [userId]);
    });
    cookies.set(SESSION_COOKIE, token, { ...cookieSecurity(url), expires: expiresAt });
    cached = Promise.resolve({ id: userId, email: null, kind });
  }

  const personSessionEnd = () => new Date(Date.now() + PERSON_SESSION_DAYS * 24 * 3600 * 1000);

  async function completeCode(row: CodeRow): Promise<SignInResult> {
    const userId = await owner.transaction(async (sql) => {
      await sql.query('update embedded_auth.sign_in_codes set used_at = now() where id = $1', [row.id]);
      // Older codes for the same address stop working too.
      await sql.query('update embedded_auth.sign_in_codes set used_at = now() where email = $1 and used_at is null', [row.email]);
      const existing = await sql.query<{ id: string }>('select id from auth.users where lower(email) = $1', [row.email]);
      if (existing[0]) return existing[0].id;
      if (!row.create_user) return null;
      const created = await sql.query<{ id: string }>(
        `insert into auth.users (email, email_confirmed_at, raw_app_meta_data)
         values ($1, now(), '{"provider":"email","providers":["email"]}') returning id`,
        [row.email],
      );
      return created[0]!.id;
    });
    if (!userId) return { ok: false, reason: 'no_account' };
    await startSession(userId, 'person', personSessionEnd());
    return { ok: true, userId };
  }

  return {
    getUser() {
      cached ??= (async () => {
        const token = cookies.get(SESSION_COOKIE)?.value;
        if (!token || token.length > 100) return null;
        const rows = await owner.transaction((sql) =>
          sql.query<{ user_id: string; kind: 'person' | 'pupil'; email: string | null }>(
            `select s.user_id, s.kind, u.email from embedded_auth.sessions s
             join auth.users u on u.id = s.user_id
             where s.token_hash = $1 and s.expires_at > now()`,
            [sha256(token)],
          ),
        );
        const row = rows[0];
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
      const recent = await owner.transaction(async (sql) => {
        const [count] = await sql.query<{ n: number }>(
          `select count(*)::int as n from embedded_auth.sign_in_codes where email = $1 and created_at > now() - interval '15 minutes'`,
          [address],
        );
        const [user] = await sql.query<{ id: string }>('select id from auth.users where lower(email) = $1', [address]);
        return { count: count?.n ?? 0, exists: !!user };
      });
      if (!recent.exists && !allowNewAccount) return event('email_code', 'unknown_address');
      if (recent.count >= MAX_CODES_PER_QUARTER_HOUR) return event('email_code', 'rate_limited');

      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const linkToken = newToken();
      await owner.transaction(async (sql) => {
        await sql.query(
          `insert into embedded_auth.sign_in_codes (email, code_hash, link_token_hash, create_user, expires_at, next)
           values ($1, $2, $3, $4, now() + make_interval(mins => $5), $6)`,
          [address, sha256(`${address}:${code}`), sha256(linkToken), allowNewAccount, CODE_TTL_MINUTES, next],
        );
        const t = getT(lang, 'auth');
        const link = `${url.origin}/auth/confirm?token=${linkToken}`;
        await sql.query('insert into embedded_auth.mailbox (to_address, subject, body, link) values ($1, $2, $3, $4)', [
          address,
          t('mail.subject'),
          t('mail.body', { code, minutes: CODE_TTL_MINUTES }),
          link,
        ]);
      });
      await event('email_code', 'sent');
    },

    async verifySignInCode(email, code) {
      const address = normalizeEmail(email);
      const [row] = await owner.transaction((sql) =>
        sql.query<CodeRow>('select * from embedded_auth.sign_in_codes where email = $1 order by created_at desc limit 1', [address]),
      );
      if (!row) {
        // No code was ever sent to this address: to the person, simply a wrong code.
        await event('email_code', 'no_code');
        return { ok: false, reason: 'wrong_code' };
      }
      if (row.used_at) return { ok: false, reason: 'used' };
      if (new Date(row.expires_at) < new Date()) return { ok: false, reason: 'expired' };
      if (row.attempts >= MAX_CODE_ATTEMPTS) return { ok: false, reason: 'locked' };
      const expected = Buffer.from(row.code_hash);
      const actual = Buffer.from(sha256(`${address}:${code.replace(/\s/g, '')}`));
      if (!timingSafeEqual(expected, actual)) {
        const [updated] = await owner.transaction((sql) =>
          sql.query<{ attempts: number }>(
            'update embedded_auth.sign_in_codes set attempts = attempts + 1 where id = $1 returning attempts',
            [row.id],
          ),
        );
        const locked = (updated?.attempts ?? MAX_CODE_ATTEMPTS) >= MAX_CODE_ATTEMPTS;
        await event('email_code', locked ? 'locked' : 'wrong_code');
        return { ok: false, reason: locked ? 'locked' : 'wrong_code' };
      }
      const result = await completeCode(row);
      await event('email_code', result.ok ? 'ok' : result.reason);
      return result;
    },

    async verifyMagicLink(token) {
      const [row] = await owner.transaction((sql) =>
        sql.query<CodeRow>('select * from embedded_auth.sign_in_codes where link_token_hash = $1', [sha256(token)]),
      );
      if (!row) return { ok: false, reason: 'expired' };
      if (row.used_at) return { ok: false, reason: 'used' };
      if (new Date(row.expires_at) < new Date()) return { ok: false, reason: 'expired' };
      if (row.attempts >= MAX_CODE_ATTEMPTS) return { ok: false, reason: 'locked' };
      const result = await completeCode(row);
      await event('magic_link', result.ok ? 'ok' : result.reason);
      return { ...result, ...(row.next ? { next: row.next } : {}) };
    },

    async signInWithPassword(email, password) {
      const address = normalizeEmail(email);
      const key = sha256(`password:${address}`);
      if (!(await admin.rpc('auth_throttle_check', { p_key: key }))) {
        await event('password', 'locked');
        return { ok: false, reason: 'locked' };
      }
      const [user] = await owner.transaction((sql) =>
        sql.query<{ id: string; encrypted_password: string | null }>(
          'select id, encrypted_password from auth.users where lower(email) = $1',
          [address],
        ),
      );
      // Always run scrypt, so a missing account takes as long as a wrong password.
      const ok = await verifyPassword(password, user?.encrypted_password ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA');
      if (!user || !ok) {
        await admin.rpc('auth_throttle_fail', { p_key: key });
        await event('password', 'wrong_password');
        return { ok: false, reason: 'wrong_password' };
      }
      await admin.rpc('auth_throttle_reset', { p_key: key });
      await startSession(user.id, 'person', personSessionEnd());
      await event('password', 'ok');
      return { ok: true, userId: user.id };
    },

    async setPassword(password) {
      const user = await this.getUser();
      if (user?.kind !== 'person') throw new Error('not signed in');
      const hash = await hashPassword(password);
      await owner.transaction((sql) =>
        sql.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [user.id, hash]),
      );
    },

    async signOut() {
      const token = cookies.get(SESSION_COOKIE)?.value;
      if (token) {
        await owner.transaction((sql) => sql.query('delete from embedded_auth.sessions where token_hash = $1', [sha256(token)]));
      }
      cookies.delete(SESSION_COOKIE, { path: '/' });
      cached = Promise.resolve(null);
      await event('sign_out', 'ok');
    },

    async startPupilSession({ pupilId, userId, endsAt }) {
      let id = userId;
      if (!id) {
        const [created] = await owner.transaction((sql) =>
          sql.query<{ id: string }>(
            `insert into auth.users (email, raw_app_meta_data) values (null, '{"provider":"class_mode"}') returning id`,
          ),
        );
        id = created!.id;
        await admin.rpc('link_pupil_user', { p_pupil: pupilId, p_user: id });
      }
      await startSession(id, 'pupil', endsAt);
      await event('pupil', 'ok');
    },
  };
}
