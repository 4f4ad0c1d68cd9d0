// npm run schema:snapshot: writes supabase/schema.sql, the whole schema as one readable file, from a
// fresh in-memory PGlite migrated with supabase/embedded and supabase/migrations (no seed). Run it
// after changing a migration and commit the file with it; tests/db/schema-snapshot.test.ts fails
// until you do. What goes in the file, and why it is read from the catalog rather than with
// pg_dump: src/server/embedded/schema-snapshot.ts.
// The portal's modules are loaded through Vite (they use the `~/` alias and import.meta.glob).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';
import type * as Migrate from '../src/server/embedded/migrate.ts';
import type * as Snapshot from '../src/server/embedded/schema-snapshot.ts';
import type * as Engines from '../src/server/embedded/sql.ts';

const root = new URL('..', import.meta.url).pathname;
const vite = await createServer({
  configFile: false,
  root,
  logLevel: 'error',
  appType: 'custom',
  cacheDir: join(tmpdir(), 'hgw-portal-scripts-vite'),
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
  resolve: { alias: { '~': `${root}src` } },
});
const load = async <T>(path: string) => (await vite.ssrLoadModule(path)) as T;

let code = 0;
try {
  const { openPglite } = await load<typeof Engines>('/src/server/embedded/sql.ts');
  const { migrate } = await load<typeof Migrate>('/src/server/embedded/migrate.ts');
  const { schemaSnapshot, SNAPSHOT_FILE } = await load<typeof Snapshot>('/src/server/embedded/schema-snapshot.ts');
  const engine = await openPglite();
  try {
    await migrate(engine, { seed: false });
    const text = await engine.transaction((sql) => schemaSnapshot(sql));
    writeFileSync(join(root, SNAPSHOT_FILE), text);
    console.log(`schema snapshot: wrote ${SNAPSHOT_FILE} (${text.split('\n').length} lines); commit it with the migration that changed it`);
  } finally {
    await engine.close();
  }
} catch (err) {
  console.error(`npm run schema:snapshot: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await vite.close();
}
process.exit(code);
