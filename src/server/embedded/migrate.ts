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

/** The database was migrated by a build with other migrations than this one. */
export class MigrationMismatch extends Error {
  override name = 'MigrationMismatch';
  constructor(readonly unknown: string[]) {
    super(
      `this database was created by another version of the portal (it has migrations this build does not know: ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''}). ` +
        'Start this version with a new data folder (move the old one away, or set PORTAL_DATA_DIR), or run the version that made it.',
    );
  }
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
  const known = new Set([...schemaFiles().map((f) => f.name), seedFile()?.name]);
  const unknown = [...done].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    // A migration recorded here is not in this build: the database was made by another version
    // (before the migrations were organised per domain, or a newer one). Refuse rather than guess.
    throw new MigrationMismatch(unknown);
  }
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
