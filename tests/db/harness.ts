import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { RpcError, type RpcArgs, type RpcName, type RpcResult } from '~/domain/rpc/index.ts';
import { asCaller, callRpc, type Claims } from '~/server/embedded/rpc.ts';
import { openPglite, openPostgres, type Row, type Sql, type SqlEngine } from '~/server/embedded/sql.ts';

/** A database for one test file: `owner` builds fixtures, `as(claims)` acts as a persona. */
export interface TestDb {
  label: string;
  owner: SqlEngine;
  as(claims: Claims): Persona;
  close(): Promise<void>;
}

export interface Persona {
  rpc<N extends RpcName>(name: N, args: RpcArgs<N>): Promise<RpcResult<N>>;
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Like `rpc`, but rolled back afterwards: the world stays as it was for the next case. */
  tryRpc<N extends RpcName>(name: N, args: RpcArgs<N>): Promise<RpcResult<N>>;
  /** Like `query`, but rolled back afterwards. */
  tryQuery<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements as this persona in one transaction, each seeing the one before, rolled back afterwards. */
  tryAll<T>(work: (query: <R extends Row = Row>(text: string, params?: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T>;
}

class Rollback<T> {
  constructor(readonly value: T) {}
}

async function rolledBack<T>(engine: SqlEngine, claims: Claims, fn: (sql: Sql) => Promise<T>): Promise<T> {
  try {
    await asCaller(engine, claims, async (sql) => {
      throw new Rollback(await fn(sql));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
  throw new Error('unreachable');
}

function personaOn(engine: SqlEngine, claims: Claims): Persona {
  return {
    rpc: (name, args) => asCaller(engine, claims, (sql) => callRpc(sql, name, args)),
    query: (text, params) => asCaller(engine, claims, (sql) => sql.query(text, params)),
    tryRpc: (name, args) => rolledBack(engine, claims, (sql) => callRpc(sql, name, args)),
    tryQuery: (text, params) => rolledBack(engine, claims, (sql) => sql.query(text, params)),
    tryAll: (work) => rolledBack(engine, claims, (sql) => work((text, params) => sql.query(text, params))),
  };
}

/**
 * A snapshot the run's global setup made: the migrated schema (default), or the empty cluster a
 * new data folder has before its first migration. Start a PGlite from it with `openPglite({ from })`.
 */
export function pgliteSnapshot(which: 'pgliteSnapshot' | 'pgliteBlank' = 'pgliteSnapshot'): Blob {
  return new Blob([readFileSync(inject(which))]);
}

export async function openPgliteTestDb(): Promise<TestDb> {
  const engine = await openPglite({ from: pgliteSnapshot() });
  return {
    label: 'PGlite',
    owner: engine,
    as: (claims) => personaOn(engine, claims),
    close: () => engine.close(),
  };
}

/**
 * The real PostgreSQL server: fixtures through an owner login, persona calls through
 * TEST_DATABASE_URL, a non-superuser login role (like Supabase's authenticator) for which
 * row level security is a real boundary.
 */
export async function openPostgresTestDb(): Promise<TestDb> {
  const api = await openPostgres(process.env.TEST_DATABASE_URL!, 4);
  const owner = await openPostgres(process.env.TEST_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL!, 2);
  return {
    label: 'PostgreSQL',
    owner,
    as: (claims) => personaOn(api, claims),
    close: async () => {
      await api.close();
      await owner.close();
    },
  };
}

/**
 * What a call came to, in one comparable value: the number of rows (1 for a single value),
 * the refusal code of an RpcError, or 'error' for a PostgreSQL permission error.
 */
export type Outcome = number | string;

export async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    const result = await run();
    return Array.isArray(result) ? result.length : result === null || result === undefined ? 0 : 1;
  } catch (err) {
    if (err instanceof RpcError) return err.code;
    if ((err as { code?: string }).code === '42501') return 'error';
    throw err;
  }
}

/**
 * TEST_DB_PGLITE=off: the run on another PostgreSQL version (`npm run test:db:postgres17`). The files
 * that test PGlite alone (backup, embedded auth, mail, the migrator, the embedded adapter's
 * contract) are skipped there: the PGlite run has them.
 */
export const PGLITE_OFF = process.env.TEST_DB_PGLITE === 'off';

/**
 * The databases this run covers: PGlite (unless TEST_DB_PGLITE=off, for a second run on another
 * server version), a PostgreSQL server when configured.
 */
export const DATABASES: Array<[string, () => Promise<TestDb>]> = [
  ...(PGLITE_OFF ? [] : ([['PGlite', openPgliteTestDb]] as Array<[string, () => Promise<TestDb>]>)),
  ...(process.env.TEST_DATABASE_URL ? ([['PostgreSQL', openPostgresTestDb]] as Array<[string, () => Promise<TestDb>]>) : []),
];

/**
 * Every row of every table that holds one of these ids, in any uuid column of the schemas the
 * portal writes: after an erasure it must be empty.
 */
export async function rowsHolding(owner: SqlEngine, ids: string[]): Promise<string[]> {
  return owner.transaction(async (sql) => {
    const columns = await sql.query<{ schema: string; tbl: string; col: string }>(
      `select c.table_schema as schema, c.table_name as tbl, c.column_name as col
       from information_schema.columns c join information_schema.tables t
         on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
       where c.table_schema in ('public', 'private', 'auth', 'storage', 'embedded_auth') and c.data_type = 'uuid'`,
    );
    const found: string[] = [];
    for (const { schema, tbl, col } of columns) {
      const [row] = await sql.query<{ n: number }>(`select count(*)::int as n from "${schema}"."${tbl}" where "${col}" = any($1::uuid[])`, [
        ids,
      ]);
      if (row!.n > 0) found.push(`${schema}.${tbl}.${col}: ${row!.n}`);
    }
    return found;
  });
}
