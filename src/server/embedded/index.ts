import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '~/server/config.ts';
import type { Backend, Db, RequestScope, StoragePort } from '~/server/port.ts';
import { createEmbeddedAuth } from './auth.ts';
import { migrate, type MigrationReport, schemaFiles, schemaKey } from './migrate.ts';
import { copyTemplate } from './template.ts';
import { ANON, SERVICE, rpcAs, type Claims } from './rpc.ts';
import { createReadCache, readOnlyFunctions, type ReadCache } from './read-cache.ts';
import { lockDataFolder } from './lock.ts';
import { openPglite, openPostgres, type SqlEngine } from './sql.ts';
import { createEmbeddedStorage } from './storage.ts';

/** What scripts/serve.mjs calls before the process ends on a signal. */
const STOP = Symbol.for('portal.stop');

/** The data folder's database does not open: a sentence for the operator, not a 500 on every page. */
export class DataFolderUnreadable extends Error {
  override name = 'DataFolderUnreadable';
}

/** The embedded backend's long-lived parts: its database connections. */
export interface EmbeddedRuntime {
  config: Config;
  /** Where API calls run (PGlite, or the PostgreSQL login role that switches roles). */
  api: SqlEngine;
  /** The owner: migrations and the auth module's own tables. */
  owner: SqlEngine;
  report: MigrationReport;
  dataDir: string;
  /** How long each part of the start took (ms), for the start-up log. */
  phases: Record<string, number>;
  /** The teachers' overviews kept in memory (PGlite only: this process is the only writer). */
  cache?: ReadCache;
}

export async function startEmbedded(config: Config): Promise<EmbeddedRuntime> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  if (config.mode === 'postgres') {
    const owner = await openPostgres(config.databaseAdminUrl!, 4);
    const report = await migrate(owner, { seed: config.seed });
    const api = config.databaseAdminUrl === config.databaseUrl ? owner : await openPostgres(config.databaseUrl!, 10);
    return { config, api, owner, report, dataDir, phases: {} };
  }
  lockDataFolder(dataDir);
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  const pgliteDir = resolve(dataDir, 'pglite');
  // A fresh folder starts as a copy of the build's pre-migrated template (scripts/serve.mjs says
  // where it is), when that template was made from this build's migrations.
  const template = process.env.PORTAL_PGLITE_TEMPLATE;
  if (template && !existsSync(join(pgliteDir, 'PG_VERSION')) && copyTemplate(template, schemaKey(schemaFiles()), pgliteDir)) {
    phase('template copied');
  }
  let engine: SqlEngine;
  try {
    engine = await openPglite({ dataDir: pgliteDir });
    // A folder that opens but cannot answer is as damaged as one that does not open.
    await engine.transaction((sql) => sql.query('select 1'));
  } catch (err) {
    throw new DataFolderUnreadable(
      `the database in ${resolve(dataDir, 'pglite')} could not be opened (${err instanceof Error ? err.message : String(err)}). ` +
        'It may be damaged, or made by another version. Restore the last backup (npm run restore FILE), ' +
        'or move the folder away to start with a new, empty one.',
    );
  }
  phase('opened');
  // scripts/serve.mjs closes the database when the server is stopped (SIGTERM, Ctrl-C):
  // PostgreSQL then writes its shutdown checkpoint, and the next start needs no crash recovery.
  const open = engine;
  (globalThis as Record<symbol, unknown>)[STOP] = () => open.close();
  const report = await migrate(engine, { seed: config.seed });
  phase(report.seeded ? 'migrated and seeded' : 'migrated');
  // PORTAL_READ_CACHE=off: every read runs its SQL (for comparing, bench/needs.ts).
  const cache = process.env.PORTAL_READ_CACHE === 'off' ? undefined : createReadCache(() => readOnlyFunctions(engine));
  return { config, api: engine, owner: engine, report, dataDir, phases, ...(cache ? { cache } : {}) };
}

function dbAs(engine: SqlEngine, claims: () => Promise<Claims>, cache?: ReadCache): Db {
  return { rpc: async (name, args) => rpcAs(engine, await claims(), name, args, cache) };
}

/** The service role on the embedded database, for the server's own work (start-up, sign-in checks). */
export function embeddedAdminDb(rt: EmbeddedRuntime): Db {
  return dbAs(rt.api, async () => SERVICE, rt.cache);
}

/** The stored files, as the service role (the retention job removes what erased rows named). */
export function embeddedServiceStorage(rt: EmbeddedRuntime): StoragePort {
  return createEmbeddedStorage({ engine: rt.api, claims: async () => SERVICE, dataDir: rt.dataDir });
}

export function embeddedBackend(rt: EmbeddedRuntime, scope: RequestScope, log: (line: string) => void): Backend {
  const admin = embeddedAdminDb(rt);
  const auth = createEmbeddedAuth({ owner: rt.owner, admin, scope, log });
  const claims = async (): Promise<Claims> => {
    const user = await auth.getUser();
    return user ? { role: 'authenticated', sub: user.id, email: user.email, aud: 'authenticated' } : ANON;
  };
  return {
    mode: rt.config.mode,
    db: dbAs(rt.api, claims, rt.cache),
    admin,
    auth,
    storage: createEmbeddedStorage({ engine: rt.api, claims, dataDir: rt.dataDir }),
  };
}
