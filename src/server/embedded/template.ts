// A pre-migrated PGlite data folder, made once per build (astro.config.ts, when the build is
// done) and copied into a fresh data folder at start-up. Creating a PostgreSQL cluster and
// replaying every migration costs seconds; copying a closed cluster costs a fraction of one.
// The template carries the key of the schema files it was made from; a build with other files
// does not use it (it migrates the ordinary way). The seed is not in the template: the demo
// school's dates are relative to the day of the first start.
// Relative imports only: astro.config.ts loads this file before the `~` alias exists.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markTemplate, migrateWith, type SqlFile, schemaKey } from './migrate-core.ts';
import { openPglite } from './sql.ts';

/** The schema files as the build bundles them (migrate.ts), read from the checkout instead. */
export function schemaFilesOnDisk(root: string): SqlFile[] {
  const read = (folder: string, prefix: string) =>
    readdirSync(join(root, folder))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => ({ name: `${prefix}/${f}`, sql: readFileSync(join(root, folder, f), 'utf8') }))
      .sort((a, b) => a.name.localeCompare(b.name));
  return [...read('supabase/embedded', 'embedded'), ...read('supabase/migrations', 'migrations')];
}

export async function buildTemplate(outDir: string, files: SqlFile[]): Promise<{ key: string; ms: number }> {
  const started = performance.now();
  const key = schemaKey(files);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const engine = await openPglite({ dataDir: join(outDir, 'pgdata') });
  try {
    await migrateWith(engine, { schema: files }, { seed: false });
    await markTemplate(engine, key);
  } finally {
    await engine.close();
  }
  writeFileSync(join(outDir, 'template.json'), `${JSON.stringify({ key })}\n`);
  return { key, ms: Math.round(performance.now() - started) };
}

/** Copies the template into `target` (a fresh, empty PGlite folder) when it was made from `key`. */
export function copyTemplate(templateDir: string, key: string, target: string): boolean {
  try {
    const meta = JSON.parse(readFileSync(join(templateDir, 'template.json'), 'utf8')) as { key?: string };
    if (meta.key !== key || !existsSync(join(templateDir, 'pgdata', 'PG_VERSION'))) return false;
  } catch {
    return false;
  }
  // Copied beside the target and renamed into place: a start stopped half-way leaves no
  // half-made cluster that the next start would take for a damaged one.
  const copying = `${target}.copying`;
  rmSync(copying, { recursive: true, force: true });
  cpSync(join(templateDir, 'pgdata'), copying, { recursive: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(copying, target);
  return true;
}
