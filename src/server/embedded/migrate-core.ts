// The embedded migrator's core, without the build's bundled files, so that the build itself can
// use it (astro.config.ts makes the pre-migrated template with it; see template.ts).
// Relative imports only: astro.config.ts loads this file before the `~` alias exists.
import { createHash } from 'node:crypto';
import type { SqlEngine } from './sql.ts';

export interface SqlFile {
  name: string;
  sql: string;
}

export interface MigrationFiles {
  schema: SqlFile[];
  seed?: SqlFile | undefined;
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** One key for the whole schema: a template is used only by a build with the very same files. */
export function schemaKey(files: SqlFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.name}\0${file.sql}\0`);
  return hash.digest('hex');
}

/** The database was migrated by a build with other migrations than this one. */
export class MigrationMismatch extends Error {
  override name = 'MigrationMismatch';
  readonly unknown: string[];
  constructor(unknown: string[]) {
    super(
      `this database was created by another version of the portal (it has migrations this build does not know: ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''}). ` +
        'Start this version with a new data folder (move the old one away, or set PORTAL_DATA_DIR), or run the version that made it.',
    );
    this.unknown = unknown;
  }
}

/**
 * The database was migrated before the migrations were combined into one file per domain (the
 * squash of December 2026): it applied migrations of ours, but none of the files this build has.
 * Its schema came from other files, so this build cannot tell what it lacks: it refuses, and
 * says how to keep the data and start afresh.
 */
export class MigrationsSquashed extends MigrationMismatch {
  override name = 'MigrationsSquashed';
  constructor(unknown: string[]) {
    super(unknown);
    this.message =
      'this data folder was made by an older version of the portal, from before its database migrations were combined into one file per domain ' +
      `(it applied ${unknown.slice(0, 2).join(', ')}${unknown.length > 2 ? ', …' : ''}, which this version no longer has), so this version cannot take it over. ` +
      'To keep what it holds, first make a copy with npm run backup (the folder itself is left as it is); ' +
      'then start this version with a new data folder: move the old one away, or set PORTAL_DATA_DIR to another folder. ' +
      'To go on with the old data, run the version that made it.';
  }
}

/** A migration this database applied has been edited since: what it holds is not what the file says. */
export class MigrationChanged extends Error {
  override name = 'MigrationChanged';
  readonly changed: string[];
  constructor(changed: string[]) {
    super(
      `this database applied ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''} in another form than this build has ` +
        '(the file was changed after it was applied, so the database may lack what the file now says). ' +
        'Start this version with a new data folder (move the old one away, or set PORTAL_DATA_DIR; npm run backup first keeps what it held), ' +
        'or run the version that made it.',
    );
    this.changed = changed;
  }
}

export interface MigrationReport {
  applied: string[];
  seeded: boolean;
  fresh: boolean;
}

/**
 * Applies what has not been applied yet, each file in its own transaction, recorded with its
 * checksum in `embedded.schema_migrations`. Refuses a database that applied a file this build
 * does not have, or a file whose text has changed since. A fresh database also gets the seed
 * when `seed` is true.
 */
export async function migrateWith(engine: SqlEngine, files: MigrationFiles, options: { seed: boolean }): Promise<MigrationReport> {
  const recorded = () =>
    engine.transaction((sql) =>
      sql.query<{ name: string; checksum: string | null }>('select name, checksum from embedded.schema_migrations'),
    );
  // A folder this version started before has its record as it should be: no DDL on every start
  // (it wrote to the catalog and cost a warm start about a tenth of its time, issue 24).
  const rows = await recorded().catch(async () => {
    await engine.transaction((sql) =>
      sql.exec(`
        create schema if not exists embedded;
        revoke all on schema embedded from public;
        create table if not exists embedded.schema_migrations (
          name text primary key,
          applied_at timestamptz not null default now()
        );
        alter table embedded.schema_migrations add column if not exists checksum text;
      `),
    );
    return recorded();
  });
  const done = new Map(rows.map((r) => [r.name, r.checksum]));
  const fresh = done.size === 0;
  const byName = new Map(files.schema.map((f) => [f.name, f]));
  const unknown = [...done.keys()].filter((name) => !byName.has(name) && name !== files.seed?.name);
  if (unknown.length > 0) {
    // A migration recorded here is not in this build: the database was made by another version.
    // Refuse rather than guess. When it applied migrations but none of this build's, it is from
    // before the squash (or from another line of the schema altogether): say so, with the way out.
    const ours = files.schema.filter((f) => f.name.startsWith('migrations/'));
    const appliedOurs = ours.some((f) => done.has(f.name));
    const appliedOld = unknown.some((name) => name.startsWith('migrations/'));
    throw appliedOld && !appliedOurs
      ? new MigrationsSquashed(unknown.filter((n) => n.startsWith('migrations/')))
      : new MigrationMismatch(unknown);
  }
  const changed = [...done]
    .filter(([name, sum]) => sum !== null && byName.has(name) && checksum(byName.get(name)!.sql) !== sum)
    .map(([n]) => n);
  if (changed.length > 0) throw new MigrationChanged(changed);
  // Folders from before checksums were recorded: what they applied is taken as this build's text.
  const unrecorded = [...done].filter(([name, sum]) => sum === null && byName.has(name)).map(([n]) => n);
  if (unrecorded.length > 0) {
    await engine.transaction(async (sql) => {
      for (const name of unrecorded) {
        await sql.query('update embedded.schema_migrations set checksum = $2 where name = $1', [name, checksum(byName.get(name)!.sql)]);
      }
    });
  }
  const applied: string[] = [];
  for (const file of files.schema) {
    if (done.has(file.name)) continue;
    await engine.transaction(async (sql) => {
      await sql.exec(file.sql);
      await sql.query('insert into embedded.schema_migrations (name, checksum) values ($1, $2)', [file.name, checksum(file.sql)]);
    });
    applied.push(file.name);
  }
  let seeded = false;
  // A database made from the template has every migration and no seed yet: it counts as fresh.
  const fromTemplate = !fresh && applied.length === 0 && !(files.seed && done.has(files.seed.name)) && (await isUnseededTemplate(engine));
  const seed = files.seed;
  if ((fresh || fromTemplate) && options.seed && seed) {
    await engine.transaction(async (sql) => {
      await sql.exec(seed.sql);
      await sql.query('insert into embedded.schema_migrations (name, checksum) values ($1, $2)', [seed.name, checksum(seed.sql)]);
    });
    seeded = true;
  }
  if (fromTemplate) await engine.transaction((sql) => sql.exec('drop table if exists embedded.template_marker'));
  return { applied, seeded, fresh: fresh || fromTemplate };
}

async function isUnseededTemplate(engine: SqlEngine): Promise<boolean> {
  const rows = await engine.transaction((sql) =>
    sql.query<{ marked: boolean }>("select to_regclass('embedded.template_marker') is not null as marked"),
  );
  return rows[0]?.marked === true;
}

/** Marks a freshly migrated database as a template: the first start from a copy seeds it. */
export async function markTemplate(engine: SqlEngine, key: string): Promise<void> {
  await engine.transaction((sql) =>
    sql.exec(
      `create table embedded.template_marker (key text not null); insert into embedded.template_marker values ('${key.replace(/[^0-9a-f]/g, '')}');`,
    ),
  );
}
