// npm run backup: one backup of embedded mode (PGlite) into PORTAL_BACKUP_DIR. With the portal
// stopped it takes the data folder itself; with the portal running it asks the server for one
// (a request file in the data folder), since one folder has one process. README, Backups.
// The portal's own modules are loaded through Vite (they use the `~/` alias and import.meta.glob).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'vite';
import type * as Backup from '../src/server/embedded/backup.ts';
import type * as Settings from '../src/server/config.ts';

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
  const { loadConfig } = await load<typeof Settings>('/src/server/config.ts');
  const { backupDataFolder } = await load<typeof Backup>('/src/server/embedded/backup.ts');
  const started = performance.now();
  const made = await backupDataFolder(loadConfig());
  const m = made.manifest;
  const rows = Object.values(m.database.rows).reduce((a, b) => a + b, 0);
  console.log(
    `backup: ${made.file} (made by ${made.madeBy} in ${((performance.now() - started) / 1000).toFixed(1)} s): ` +
      `${Object.keys(m.database.rows).length} tables, ${rows} rows, ${m.files.count} file(s) of ${(m.files.bytes / 1024 / 1024).toFixed(1)} MB` +
      (made.removed.length ? `; removed ${made.removed.length} older backup(s), keeping the newest` : ''),
  );
  console.log(`restore it with: npm run restore ${made.file}`);
} catch (err) {
  console.error(`npm run backup: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await vite.close();
}
process.exit(code);
