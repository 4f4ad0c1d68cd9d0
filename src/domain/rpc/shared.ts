import { z } from 'zod';
import { AVATAR_IDS } from '~/domain/pictograms.ts';
import { LOCALE_CODES } from '~/i18n/locales.ts';

/**
 * What every area of the API registry shares: the entry builder with its metadata, and the
 * shapes that appear in several areas. One file per area mirrors one migration per domain in
 * supabase/migrations.
 */

/** Who may execute a function, as its `grant` in the migration says (tests/db/schema.test.ts ties the two). */
export type RpcAccess = 'anon' | 'authenticated' | 'service';

export interface RpcEntry<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  args: A;
  result: R;
  /** How the result comes back, as PostgREST shapes it: an array of rows, one value, or nothing. */
  returns: 'rows' | 'scalar' | 'void';
  access: RpcAccess;
  /** A successful call changes what public pages show: cached public pages are dropped after it. */
  changesPublicPages: boolean;
}

export function rpc<A extends z.ZodType, R extends z.ZodType>(
  args: A,
  result: R,
  meta: { returns?: RpcEntry['returns']; access?: RpcAccess; changesPublicPages?: boolean } = {},
): RpcEntry<A, R> {
  return {
    args,
    result,
    returns: meta.returns ?? 'rows',
    access: meta.access ?? 'authenticated',
    changesPublicPages: meta.changesPublicPages ?? false,
  };
}

/**
 * An entry whose schemas are built when it is first used (its arguments checked, its metadata
 * read), not when the server loads: the registry holds about a thousand zod schemas, and building
 * them all cost the start of every server ~60 ms (issue 24). What an entry checks is unchanged.
 */
export function lazy<E extends RpcEntry>(make: () => E): E {
  let built: E | undefined;
  const entry = () => (built ??= make());
  return {
    get args() {
      return entry().args;
    },
    get result() {
      return entry().result;
    },
    get returns() {
      return entry().returns;
    },
    get access() {
      return entry().access;
    },
    get changesPublicPages() {
      return entry().changesPublicPages;
    },
  } as E;
}

export const uuid = z.uuid();
/** ISO 8601, as PostgREST returns it; the embedded adapter matches. */
export const timestamp = z.string();
export const locale = z.enum(LOCALE_CODES);
/** A pupil's picture on the class device. */
export const avatar = z.enum(AVATAR_IDS);
export const none = z.object({}).strict();
export const idArg = <K extends string>(key: K) => z.object({ [key]: uuid } as Record<K, typeof uuid>).strict();

/** A person's role in a school (the SQL enum `public.school_role`). */
export const SCHOOL_ROLES = ['admin', 'coach', 'teacher', 'parent', 'pupil'] as const;
export const schoolRole = z.enum(SCHOOL_ROLES);
export type SchoolRole = z.infer<typeof schoolRole>;
/** The roles of a school's staff (everyone but parents and pupils). */
export const STAFF_ROLES = ['admin', 'coach', 'teacher'] as const satisfies readonly SchoolRole[];
/** The roles an invitation can give. */
export const INVITABLE_ROLES = ['parent', 'teacher', 'coach', 'admin'] as const satisfies readonly SchoolRole[];
export type InvitableRole = (typeof INVITABLE_ROLES)[number];
