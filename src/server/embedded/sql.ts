import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export type Row = Record<string, unknown>;

/** Queries inside one transaction. */
export interface Sql {
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** A script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** An embedded PostgreSQL: PGlite in a folder, or a PostgreSQL server through `pg`. */
export interface SqlEngine {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgliteEngine extends SqlEngine {
  /** The whole database as a tarball, to start another PGlite from (tests, templates). */
  dump(): Promise<Blob>;
}

/**
 * PostgreSQL's page cache inside PGlite: 32 MB, not the default 128 MB. PGlite sets all of it up
 * at every start (about 60 ms of the main thread and 100 ms of a warm start's wall time with 128
 * MB, issue 24), while a school's pages fit: bench:needs (1,020 pupils) gave the same times with
 * 32 as with 128 MB. What does not fit is read from the operating system's file cache.
 */
const SHARED_BUFFERS = '32MB';

/**
 * PGlite in `dataDir` (in memory without one). `from` starts it from a dump instead of an
 * empty cluster, which is several times faster than initialising a new one.
 */
export async function openPglite(options: { dataDir?: string; from?: Blob } = {}): Promise<PgliteEngine> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db: PGlite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.from ? { loadDataDir: options.from } : {}),
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
  });
  return {
    kind: 'pglite',
    dump: () => db.dumpDataDir('none') as Promise<Blob>,
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async <T extends Row>(text: string, params?: unknown[]) => (await tx.query<T>(text, params)).rows,
          exec: async (script) => {
            await tx.exec(script);
          },
        }),
      ),
    close: () => db.close(),
  };
}

export async function openPostgres(connectionString: string, max = 10): Promise<SqlEngine> {
  const { default: pgModule } = await import('pg');
  const pool: pg.Pool = new pgModule.Pool({ connectionString, max });
  return {
    kind: 'postgres',
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: async <T extends Row>(text: string, params?: unknown[]) => (await client.query(text, params as unknown[])).rows as T[],
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
