import type { SqlEngine } from './sql.ts';

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

export interface SqlFile {
  name: string;
  sql: string;
}

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

export interface MigrationReport {
  applied: string[];
  seeded: boolean;
  fresh: boolean;
}

/**
 * Applies what has not been applied yet, each file in its own transaction, recorded in
 * `embedded.schema_migrations`. A fresh database also gets the seed when `seed` is true.
 */
export async function migrate(engine: SqlEngine, options: { seed: boolean }): Promise<MigrationReport> {
  await engine.transaction((sql) =>
    sql.exec(`
      create schema if not exists embedded;
      revoke all on schema embedded from public;
      create table if not exists embedded.schema_migrations (
        name text primary key,
        applied_at timestamptz not null default now()
      );
    `),
  );
  const done = new Set(
    (await engine.transaction((sql) => sql.query<{ name: string }>('select name from embedded.schema_migrations'))).map((r) => r.name),
  );
  const fresh = done.size === 0;
  const applied: string[] = [];
  for (const file of schemaFiles()) {
    if (done.has(file.name)) continue;
    await engine.transaction(async (sql) => {
      await sql.exec(file.sql);
      await sql.query('insert into embedded.schema_migrations (name) values ($1)', [file.name]);
    });
    applied.push(file.name);
  }
  let seeded = false;
  const seed = seedFile();
  if (fresh && options.seed && seed) {
    await engine.transaction(async (sql) => {
      await sql.exec(seed.sql);
      await sql.query('insert into embedded.schema_migrations (name) values ($1)', [seed.name]);
    });
    seeded = true;
  }
  return { applied, seeded, fresh };
}
