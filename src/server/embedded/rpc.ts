import { type RpcArgs, type RpcName, type RpcResult, type RpcTransport, validatedRpc } from '~/domain/rpc/index.ts';
import type { ReadCache } from './read-cache.ts';
import type { Row, Sql, SqlEngine } from './sql.ts';

/** Who a call runs as: the request's JWT claims, as PostgREST would set them. */
export interface Claims {
  role: 'anon' | 'authenticated' | 'service_role';
  sub?: string;
  email?: string | null;
  [claim: string]: unknown;
}

export const ANON: Claims = { role: 'anon' };
export const SERVICE: Claims = { role: 'service_role' };

const ROLES = new Set(['anon', 'authenticated', 'service_role']);

/**
 * Runs `fn` in one transaction as the caller: `set local role`, then the claims in
 * `request.jwt.claims`. This is what PostgREST does, so the same policies decide here.
 */
export async function asCaller<T>(engine: SqlEngine, claims: Claims, fn: (sql: Sql) => Promise<T>): Promise<T> {
  if (!ROLES.has(claims.role)) throw new Error(`refusing unknown role ${String(claims.role)}`);
  return engine.transaction(async (sql) => {
    // Role and claims in one statement (one round trip less per call): set_config('role', …, true)
    // is SET LOCAL ROLE; the role comes from the fixed set above.
    await sql.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
      claims.role,
      JSON.stringify(claims),
    ]);
    return fn(sql);
  });
}

/** Dates become ISO strings, as they arrive from PostgREST. */
function normalise<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The embedded transport: `select * from public.<fn>(arg => $1, …)` inside the caller's transaction. */
function sqlTransport(sql: Sql): RpcTransport {
  return async (name, args, entry) => {
    const entries = Object.entries(args);
    // Parameter names come from the registry's schema (fixed identifiers), values are bound.
    const named = entries.map(([key], i) => `${key} => $${i + 1}`).join(', ');
    // Objects (and lists of objects) are jsonb parameters: sent as JSON text. Lists of plain
    // values (uuid[], text[]) go as arrays, which both drivers send as PostgreSQL arrays.
    const values = entries.map(([, v]) =>
      v !== null && typeof v === 'object' && (!Array.isArray(v) || v.some((x) => x !== null && typeof x === 'object'))
        ? JSON.stringify(v)
        : v,
    );
    if (entry.returns === 'rows') return normalise(await sql.query(`select * from public.${name}(${named})`, values));
    const rows = await sql.query<Row>(`select public.${name}(${named}) as result`, values);
    return entry.returns === 'void' ? null : normalise(rows[0]?.result ?? null);
  };
}

/** Calls one API function, by name, with validated arguments, and validates its result. */
export function callRpc<N extends RpcName>(sql: Sql, name: N, args: RpcArgs<N>): Promise<RpcResult<N>> {
  return validatedRpc(sqlTransport(sql), name, args);
}

/** One call as one caller, in its own transaction (or from the read cache, when there is one). */
export function rpcAs<N extends RpcName>(
  engine: SqlEngine,
  claims: Claims,
  name: N,
  args: RpcArgs<N>,
  cache?: ReadCache,
): Promise<RpcResult<N>> {
  const call = () => asCaller(engine, claims, (sql) => callRpc(sql, name, args));
  if (!cache) return call();
  return cache.run(engine, claims, name, args, call, (fn) => asCaller(engine, claims, fn));
}
