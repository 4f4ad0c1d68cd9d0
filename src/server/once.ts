import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AstroCookies } from 'astro';
import type { z } from 'zod';
import { cookieSecurity } from './port.ts';

/**
 * What a page shows once and must not lose on a reload: new login cards, an invitation letter
 * with its code. Codes are stored hashed, so after the action has redirected (post → redirect →
 * get) they exist nowhere but here: sealed (AES-256-GCM, the server's secret) in an HttpOnly
 * cookie for that page only, bound to the person who made them, for 30 minutes. The page shows
 * them while its URL asks for them, and forgets them when the person goes back.
 */
const MAX_AGE_SECONDS = 30 * 60;

export interface OnceScope {
  cookies: AstroCookies;
  url: URL;
  secret: Buffer;
  /** Whose result this is: only they can open it. */
  userId: string;
}

/** Sealed with the server's secret (AES-256-GCM): readable and unforgeable only by the server. */
export function sealBytes(secret: Buffer, plain: Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** What sealBytes sealed, or null for anything else (tampered, cut, another secret). */
export function openBytes(secret: Buffer, sealed: string): Buffer | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
  } catch {
    return null;
  }
}

const seal = (secret: Buffer, plain: string) => sealBytes(secret, Buffer.from(plain, 'utf8'));
const open = (secret: Buffer, sealed: string) => openBytes(secret, sealed)?.toString('utf8') ?? null;

/** A kind of result shown once, e.g. `once('cards', schema)`; its cookie lives on `path`. */
export function once<S extends z.ZodType>(kind: string, schema: S) {
  const name = `portal_once_${kind}`;
  return {
    keep(scope: OnceScope, path: string, value: z.input<S>): void {
      const sealed = seal(scope.secret, JSON.stringify({ u: scope.userId, v: value }));
      scope.cookies.set(name, sealed, { ...cookieSecurity(scope.url), path, maxAge: MAX_AGE_SECONDS });
    },
    read(scope: OnceScope): z.output<S> | null {
      const raw = scope.cookies.get(name)?.value;
      if (!raw || raw.length > 4000) return null;
      const plain = open(scope.secret, raw);
      if (!plain) return null;
      try {
        const { u, v } = JSON.parse(plain) as { u?: unknown; v?: unknown };
        if (u !== scope.userId) return null;
        const parsed = schema.safeParse(v);
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    forget(scope: Pick<OnceScope, 'cookies'>, path: string): void {
      scope.cookies.delete(name, { path });
    },
  };
}
