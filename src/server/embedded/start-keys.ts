import type { SqlEngine } from './sql.ts';

/**
 * What a start has already done to this database, by the key of what it did it from (the
 * leaflet templates it synced, keyed by a hash of the content folder and the schema): a start
 * with the same key skips that work (issue 24: a warm start under a second). Kept in the
 * database, not beside it, so a restored backup brings its own keys and is synced again if its
 * content is older. The embedded schema is the server's own: no API role reads it.
 */
export async function startKey(engine: SqlEngine, name: string): Promise<string | null> {
  try {
    const rows = await engine.transaction((sql) =>
      sql.query<{ key: string }>('select key from embedded.start_keys where name = $1', [name]),
    );
    return rows[0]?.key ?? null;
  } catch {
    return null; // a folder from before start keys: the work is done once more, then recorded
  }
}

export async function recordStartKey(engine: SqlEngine, name: string, key: string): Promise<void> {
  await engine.transaction(async (sql) => {
    await sql.exec('create table if not exists embedded.start_keys (name text primary key, key text not null)');
    await sql.query('insert into embedded.start_keys (name, key) values ($1, $2) on conflict (name) do update set key = excluded.key', [
      name,
      key,
    ]);
  });
}
