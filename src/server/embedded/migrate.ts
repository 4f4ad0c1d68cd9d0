import { type MigrationReport, migrateWith, type SqlFile } from './migrate-core.ts';
import type { SqlEngine } from './sql.ts';

export { MigrationChanged, MigrationMismatch, MigrationsSquashed, type MigrationReport, type SqlFile, schemaKey } from './migrate-core.ts';

// Bundled into the server build: file paths do not survive it, so the SQL travels as text.
const embeddedFiles = import.meta.glob<string>('/supabase/embedded/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const migrationFiles = import.meta.glob<string>('/supabase/migrations/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const seedFiles = import.meta.glob<string>('/supabase/seed.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
});

function ordered(files: Record<string, string>, prefix: string): SqlFile[] {
  return Object.entries(files)
    .map(([path, sql]) => ({ name: `${prefix}/${path.split('/').pop()!}`, sql }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Supabase's stand-ins first (roles, auth, storage), then the migrations, in file order. */
export function schemaFiles(): SqlFile[] {
  return [...ordered(embeddedFiles, 'embedded'), ...ordered(migrationFiles, 'migrations')];
}

export function seedFile(): SqlFile | undefined {
  return ordered(seedFiles, 'seed')[0];
}

/**
 * Applies what has not been applied yet (see migrate-core.ts): refuses a database with
 * migrations this build does not know or whose files changed since they were applied.
 */
export function migrate(engine: SqlEngine, options: { seed: boolean }): Promise<MigrationReport> {
  return migrateWith(engine, { schema: schemaFiles(), seed: seedFile() }, options);
}
