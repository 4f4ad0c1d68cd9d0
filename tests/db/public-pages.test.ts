import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { watchPublicPages } from '~/server/public-pages-version.ts';
import { buildWorld, PERSONAS, type World } from '../factories/index.ts';
import { DATABASES, outcome, type TestDb } from './harness.ts';

/**
 * The public pages' version (…_leaflets.sql): raised when a public page changes (a
 * leaflet published or unpublished, a school's details), not by a draft edit; read only by the
 * server. Each instance's watcher (public-pages-version.ts), on its own connection, drops its
 * cached pages within its polling interval when another instance publishes.
 */
describe.each(DATABASES)('public pages version on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let leaflet: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    const [row] = await db.owner.transaction((sql) =>
      sql.query<{ id: string }>(`insert into public.leaflets (school_id, slug) values ($1, 'tips-voor-thuis') returning id`, [w.school.id]),
    );
    leaflet = row!.id;
  }, 60_000);
  afterAll(() => db?.close());

  const version = () => db.as(SERVICE).rpc('public_pages_version', {});
  const owner = (q: string, args: unknown[]) => db.owner.transaction((sql) => sql.query(q, args));

  it.each(PERSONAS)('public_pages_version: %s → forbidden (the server alone asks)', async (p) => {
    expect(await outcome(() => db.as(w.personas[p]).tryRpc('public_pages_version', {}))).toBe('forbidden');
  });

  it('moves when a leaflet is published or unpublished or a school changes, not on a draft edit', async () => {
    const start = await version();
    await owner('update public.leaflets set revision = revision + 1, updated_at = now() where id = $1', [leaflet]);
    expect(await version()).toBe(start);
    await owner(`update public.leaflets set status = 'published' where id = $1`, [leaflet]);
    const published = await version();
    expect(published).toBeGreaterThan(start);
    await owner(`update public.schools set contact_phone = '010 765 43 21' where id = $1`, [w.school.id]);
    expect(await version()).toBeGreaterThan(published);
  });

  it('another instance’s watcher, on its own connection, drops its copies within its interval', async () => {
    let dropped = 0;
    const stop = watchPublicPages(db.as(SERVICE), () => dropped++, { everyMs: 100 });
    await new Promise((r) => setTimeout(r, 300));
    expect(dropped).toBe(0);
    await owner(`update public.leaflets set status = 'draft' where id = $1`, [leaflet]);
    const started = Date.now();
    while (dropped === 0 && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(dropped).toBe(1);
  });
});
