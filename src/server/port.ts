import type { AstroCookies } from 'astro';
import type { RpcArgs, RpcName, RpcResult } from '~/domain/rpc/index.ts';
import type { Locale } from '~/i18n/locales.ts';
import type { Mode } from './config.ts';
import { cookiesSecure } from './site.ts';

/**
 * The backend port: what pages may ask of the backend. Two adapters implement it, one on
 * Supabase (supabase-js + @supabase/ssr), one embedded (PGlite or a PostgreSQL server).
 * Pages never talk to PGlite or supabase-js directly.
 */

/** The verified person (or pupil) behind a request. */
export interface SessionUser {
  id: string;
  email: string | null;
  kind: 'person' | 'pupil';
}

export interface Db {
  rpc<N extends RpcName>(name: N, args: RpcArgs<N>): Promise<RpcResult<N>>;
}

/**
 * Why a sign-in did not work: a wrong code or password; a code that is used, expired or tried
 * too often (ask for a new one); or `limited`: too many tries, `until` says when to try again.
 */
export type SignInFailure = 'wrong_code' | 'expired' | 'used' | 'locked' | 'wrong_password' | 'no_account' | 'limited';
export type SignInResult = { ok: true; userId: string } | { ok: false; reason: SignInFailure; until?: Date };
export type SendResult = { ok: true } | { ok: false; reason: 'limited'; until: Date };

export interface AuthPort {
  /**
   * Whether the request carries this mode's session cookie, without verifying it (cheap: for
   * deciding that a page is not the same for everyone, e.g. the public page cache).
   */
  hasSession(): boolean;
  /** The signed-in user, verified on the server for this request, or null. */
  getUser(): Promise<SessionUser | null>;
  /**
   * Sends a one-time code and magic link. Says nothing about whether the address has an
   * account: an unknown address simply gets no mail unless `allowNewAccount` (an invitation),
   * and is limited like a known one. Refused (with when to try again) past the limits.
   */
  sendSignInCode(input: { email: string; lang: Locale; allowNewAccount: boolean; next: string }): Promise<SendResult>;
  verifySignInCode(email: string, code: string): Promise<SignInResult>;
  /** The magic link's token; returns where the link was meant to lead. */
  verifyMagicLink(token: string): Promise<SignInResult & { next?: string }>;
  signInWithPassword(email: string, password: string): Promise<SignInResult>;
  /**
   * Sets the signed-in person's password (issue 18, L4). With a password already set, `current`
   * must be it; without one, the session must be fresh (signed in with a code or link in the last
   * FRESH_SIGN_IN_MINUTES). Every other session of the person ends; this one stays.
   */
  setPassword(password: string, current?: string | null): Promise<SetPasswordResult>;
  /** Whether the signed-in person has a password (the form then asks for it). */
  hasPassword(): Promise<boolean>;
  signOut(): Promise<void>;
  /** After the database accepted a pupil's picture code: a session that ends with the school day. */
  startPupilSession(input: { pupilId: string; userId: string | null; endsAt: Date }): Promise<void>;
}

export interface StoredFile {
  bytes: Uint8Array;
  contentType: string;
}

/** A storage write or read refused before or by the bucket's rules. */
export class StorageRefused extends Error {
  constructor(readonly reason: 'forbidden' | 'too_large' | 'wrong_type' | 'exists' | 'invalid_path') {
    super(reason);
    this.name = 'StorageRefused';
  }
}

export interface StoragePort {
  /** Stores a file as the caller: the bucket's policies decide. Refuses to overwrite. */
  put(bucket: string, path: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(bucket: string, path: string): Promise<StoredFile | null>;
  /**
   * A file of a public bucket by its name, for anyone, as Supabase serves public buckets (no
   * policy is asked: nobody may list the bucket, but whoever has a file's address may read it).
   */
  getPublic(bucket: string, path: string): Promise<StoredFile | null>;
  remove(bucket: string, path: string): Promise<void>;
  /** The address a browser reads a file of a public bucket from. */
  publicUrl(bucket: string, path: string): string;
}

export interface Backend {
  readonly mode: Mode;
  /** As the request's user (anonymous without a session). */
  readonly db: Db;
  /** As the service role: for the server's own checks only (class mode, sign-in events). */
  readonly admin: Db;
  readonly auth: AuthPort;
  readonly storage: StoragePort;
}

export interface RequestScope {
  cookies: AstroCookies;
  url: URL;
  request: Request;
  /** The client's network address (the socket's, or a trusted proxy's X-Forwarded-For), for limits. */
  client: string;
}

/** Session cookies are Secure everywhere except on the developer's own machine. */
export function isLocalhost(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export function cookieSecurity(url: URL) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: cookiesSecure(url), path: '/' };
}

/** What setting a password answered. */
export type SetPasswordResult = { ok: true } | { ok: false; reason: 'wrong_current' | 'not_fresh' };

/** How recent a code sign-in must be to set a first password without the current one. */
export const FRESH_SIGN_IN_MINUTES = 15;
