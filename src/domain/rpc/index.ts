import type { z } from 'zod';
import { CLASS_MODE } from './class-mode.ts';
import { CLASSES_PUPILS } from './classes-pupils.ts';
import { RpcError, toRpcError } from './errors.ts';
import { GROUP_PLANS } from './group-plans.ts';
import { INVITATIONS } from './invitations.ts';
import { LEAFLETS } from './leaflets.ts';
import { MEETINGS } from './meetings.ts';
import { NEEDS } from './needs.ts';
import { NOTIFICATIONS } from './notifications.ts';
import { PRIVACY } from './privacy.ts';
import { SCHOOLS_PEOPLE } from './schools-people.ts';
import type { RpcEntry } from './shared.ts';
import { TRANSLATIONS } from './translations.ts';

/**
 * The API the app calls: one entry per SQL function in supabase/migrations, with a zod schema
 * for its arguments (named as the SQL parameters), one for its result, and its metadata (who
 * may call it, whether it changes public pages). Both adapters call through `validatedRpc`,
 * which refuses a name that is not here before any SQL runs.
 */
export const RPC = {
  ...SCHOOLS_PEOPLE,
  ...CLASSES_PUPILS,
  ...INVITATIONS,
  ...CLASS_MODE,
  ...LEAFLETS,
  ...NEEDS,
  ...MEETINGS,
  ...PRIVACY,
  ...TRANSLATIONS,
  ...NOTIFICATIONS,
  ...GROUP_PLANS,
} as const satisfies Record<string, RpcEntry>;

export type RpcName = keyof typeof RPC;
export type RpcArgs<N extends RpcName> = z.input<(typeof RPC)[N]['args']>;
export type RpcResult<N extends RpcName> = z.output<(typeof RPC)[N]['result']>;

export function isRpcName(name: string): name is RpcName {
  return Object.hasOwn(RPC, name);
}

/** How one adapter runs a call whose arguments are already valid; it returns the raw result. */
export type RpcTransport = (name: RpcName, args: Record<string, unknown>, entry: RpcEntry) => Promise<unknown>;

/**
 * The one validating wrapper both adapters share: known name, arguments parsed, database
 * errors mapped to stable codes, result checked against its schema.
 */
export async function validatedRpc<N extends RpcName>(transport: RpcTransport, name: N, args: RpcArgs<N>): Promise<RpcResult<N>> {
  if (!isRpcName(name)) throw new RpcError('unknown_function');
  const entry: RpcEntry = RPC[name];
  const parsed = entry.args.safeParse(args);
  if (!parsed.success) throw new RpcError('invalid', parsed.error.issues[0]?.path.join('.'));
  let raw: unknown;
  try {
    raw = await transport(name, parsed.data as Record<string, unknown>, entry);
  } catch (err) {
    if (err instanceof RpcError) throw err;
    const code = (err as { code?: unknown }).code;
    // Anything that is not a database refusal (a lost connection, a bug) stays what it is.
    if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) throw err;
    throw toRpcError(err as Parameters<typeof toRpcError>[0]);
  }
  const result = entry.result.safeParse(raw);
  if (!result.success) throw new Error(`rpc ${name}: result does not match its schema: ${result.error.issues[0]?.message}`);
  return result.data as RpcResult<N>;
}

export { RpcError, toRpcError } from './errors.ts';
export { type EditorBlock, type SnapshotBlock, leafletSnapshot, snapshotBlock } from './leaflets.ts';
export { type School, schoolRow } from './schools-people.ts';
export {
  INVITABLE_ROLES,
  type InvitableRole,
  type RpcAccess,
  type RpcEntry,
  SCHOOL_ROLES,
  STAFF_ROLES,
  type SchoolRole,
  schoolRole,
} from './shared.ts';
