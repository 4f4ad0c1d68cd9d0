import { createHash } from 'node:crypto';
import type { Db } from './port.ts';
import { site } from './site.ts';

/**
 * How often a sign-in step may be tried before it waits, per address and per client (network
 * address), for both adapters. A hit past the limit locks the key for a while; each further lock
 * is twice as long, up to a ceiling; a success clears it. Counted in SQL (auth_limit_*), by hashes:
 * the database never holds the addresses.
 *
 * Sending codes never blocks checking one, and a password lock never blocks signing in by code.
 */
export const SIGN_IN_LIMITS = {
  /** Codes asked for one address: 5 in 15 minutes, then 15 minutes' wait. */
  codeSendAddress: { limit: 5, window: 15 * 60, lock: 15 * 60, max: 60 * 60 },
  /** Codes asked from one client, for any addresses. */
  codeSendClient: { limit: 20, window: 15 * 60, lock: 15 * 60, max: 4 * 60 * 60 },
  /** Wrong codes for one address (every code has its own 5 tries too). */
  codeCheckAddress: { limit: 10, window: 15 * 60, lock: 15 * 60, max: 24 * 60 * 60 },
  codeCheckClient: { limit: 30, window: 15 * 60, lock: 15 * 60, max: 24 * 60 * 60 },
  /** Wrong passwords for one address: 5, then 5 minutes, 10, 20, … at most a day. */
  passwordAddress: { limit: 5, window: 15 * 60, lock: 5 * 60, max: 24 * 60 * 60 },
  passwordClient: { limit: 20, window: 15 * 60, lock: 15 * 60, max: 24 * 60 * 60 },
} as const;

export type LimitKind = keyof typeof SIGN_IN_LIMITS;

export const limitKey = (kind: LimitKind, value: string) =>
  createHash('sha256').update(`${kind}:${value.trim().toLowerCase()}`).digest('hex');

export function signInLimits(admin: Db) {
  return {
    /** The end of the longest lock among these, or null. */
    async lockedUntil(...keys: [LimitKind, string][]): Promise<Date | null> {
      const until = await admin.rpc('auth_limit_state', { p_keys: keys.map(([k, v]) => limitKey(k, v)) });
      return until ? new Date(until) : null;
    },
    /** Counts one attempt on each; returns the end of a lock this started, or null. */
    async hit(...keys: [LimitKind, string][]): Promise<Date | null> {
      let latest: Date | null = null;
      for (const [kind, value] of keys) {
        const l = SIGN_IN_LIMITS[kind];
        // A network many people share (a school's Wi-Fi) gets room per client; an address never does.
        const limit = kind.endsWith('Client') ? l.limit * site().clientLimitFactor : l.limit;
        const until = await admin.rpc('auth_limit_hit', {
          p_key: limitKey(kind, value),
          p_limit: Math.min(limit, 1000),
          p_window_seconds: l.window,
          p_lock_seconds: l.lock,
          p_max_lock_seconds: l.max,
        });
        if (until && (!latest || new Date(until) > latest)) latest = new Date(until);
      }
      return latest;
    },
    async clear(...keys: [LimitKind, string][]): Promise<void> {
      await admin.rpc('auth_limit_clear', { p_keys: keys.map(([k, v]) => limitKey(k, v)) });
    },
  };
}
