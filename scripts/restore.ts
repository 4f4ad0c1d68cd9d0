// npm run restore FILE: puts a backup made by npm run backup in place of the data folder
// (embedded mode, PGlite). Refuses while the portal runs and refuses a file that is not a portal
// backup. The current folder is moved aside (`<data folder>.before-restore-<time>`), never
// deleted; on any failure it stays as it was. README, Backups.
// The portal's own modules are loaded through Vite (they use the `~/` alias and import.meta.glob).
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';
import type * as Backup from '../src/server/embedded/backup.ts';
import type * as Settings from '../src/server/config.ts';

const arg = process.argv[2];
if (!arg || arg.startsWith('-')) {
  console.error('npm run restore: name the backup to restore, e.g. npm run restore ../.data-backups/portal-backup-20260301-013000.tar.gz');
  process.exit(2);
}
// npm runs scripts in the project folder; a relative name is meant from where npm was started.
const file = resolve(process.env.INIT_CWD ?? process.cwd(), arg);

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
  const { restoreBackup } = await load<typeof Backup>('/src/server/embedded/backup.ts');
  const done = await restoreBackup(loadConfig(), file);
  const m = done.manifest;
  console.log(
    `restore: ${done.dataDir} is now the backup of ${m.createdAt} (portal ${m.portalVersion}): ` +
      `${Object.keys(m.database.rows).length} tables, ${m.files.count} file(s); the database opened and is migrated.`,
  );
  console.log(
    done.aside ? `the data folder that was there is in ${done.aside} (remove it when all is well).` : 'there was no data folder before.',
  );
} catch (err) {
  console.error(`npm run restore: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await vite.close();
}
process.exit(code);
