// The embedded migrator (src/server/embedded/migrate-core.ts) and the pre-migrated template
// (template.ts): a data folder whose applied migrations changed, or that holds migrations this
// build does not know (a folder from before the squash), is refused with a sentence and a way
// out; a fresh folder copied from the template is seeded once, like a new one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationChanged, MigrationMismatch, migrateWith, schemaKey } from '~/server/embedded/migrate-core.ts';
import { openPglite } from '~/server/embedded/sql.ts';
import { buildTemplate, copyTemplate } from '~/server/embedded/template.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-migrator-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const v1 = [
  { name: 'migrations/20260101000000_a.sql', sql: 'create table public.things (id int primary key);' },
  { name: 'migrations/20260102000000_b.sql', sql: 'alter table public.things add column label text;' },
];
const seed = { name: 'seed/seed.sql', sql: "insert into public.things values (1, 'demo');" };

describe.skipIf(process.env.TEST_DB_PGLITE === 'off')('embedded migrator', () => {
  it('records a checksum per migration and refuses a folder whose applied migration changed, naming it', async () => {
    const engine = await openPglite();
    try {
      await migrateWith(engine, { schema: v1 }, { seed: false });
      const rows = await engine.transaction((sql) =>
        sql.query<{ name: string; checksum: string }>('select name, checksum from embedded.schema_migrations order by name'),
      );
      expect(rows.map((r) => r.name)).toEqual(v1.map((f) => f.name));
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);

      const edited = [v1[0]!, { ...v1[1]!, sql: 'alter table public.things add column label text not null;' }];
      const refused = await migrateWith(engine, { schema: edited }, { seed: false }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(MigrationChanged);
      expect((refused as Error).message).toContain('migrations/20260102000000_b.sql');
      expect((refused as Error).message).toMatch(/new data folder/);
      // Nothing was applied on the way: the database is as it was.
      const after = await engine.transaction((sql) => sql.query('select count(*)::int as n from embedded.schema_migrations'));
      expect(after[0]).toEqual({ n: 2 });
    } finally {
      await engine.close();
    }
  });

  it('refuses a folder made before the squash (migrations this build does not know), with a way out', async () => {
    const engine = await openPglite();
    try {
      await migrateWith(engine, { schema: v1 }, { seed: false });
      const squashed = [{ name: 'migrations/20270101000000_things.sql', sql: v1.map((f) => f.sql).join('\n') }];
      const refused = await migrateWith(engine, { schema: squashed }, { seed: false }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(MigrationMismatch);
      expect((refused as Error).message).toContain('migrations/20260101000000_a.sql');
      expect((refused as Error).message).toMatch(/new data folder|PORTAL_DATA_DIR/);
    } finally {
      await engine.close();
    }
  });

  it('a folder from before checksums were kept gets them recorded, and a later edit is caught', async () => {
    const engine = await openPglite();
    try {
      await migrateWith(engine, { schema: v1 }, { seed: false });
      await engine.transaction((sql) => sql.exec('update embedded.schema_migrations set checksum = null'));
      await migrateWith(engine, { schema: v1 }, { seed: false });
      const nulls = await engine.transaction((sql) =>
        sql.query<{ n: number }>('select count(*)::int as n from embedded.schema_migrations where checksum is null'),
      );
      expect(nulls[0]!.n).toBe(0);
      const edited = [{ ...v1[0]!, sql: `${v1[0]!.sql} -- edited` }, v1[1]!];
      await expect(migrateWith(engine, { schema: edited }, { seed: false })).rejects.toBeInstanceOf(MigrationChanged);
    } finally {
      await engine.close();
    }
  });

  it('a fresh folder copied from the template is seeded once and counts as new; a template of other files is not used', async () => {
    const templateDir = join(tempDir(), 'template');
    const { key } = await buildTemplate(templateDir, v1);
    expect(key).toBe(schemaKey(v1));

    const other = join(tempDir(), 'pglite');
    expect(copyTemplate(templateDir, schemaKey([v1[0]!]), other)).toBe(false);

    const target = join(tempDir(), 'pglite');
    expect(copyTemplate(templateDir, key, target)).toBe(true);
    let engine = await openPglite({ dataDir: target });
    try {
      const first = await migrateWith(engine, { schema: v1, seed }, { seed: true });
      expect(first).toEqual({ applied: [], seeded: true, fresh: true });
      const things = await engine.transaction((sql) => sql.query('select id, label from public.things'));
      expect(things).toEqual([{ id: 1, label: 'demo' }]);
    } finally {
      await engine.close();
    }
    engine = await openPglite({ dataDir: target });
    try {
      const second = await migrateWith(engine, { schema: v1, seed }, { seed: true });
      expect(second).toEqual({ applied: [], seeded: false, fresh: false });
      const count = await engine.transaction((sql) => sql.query<{ n: number }>('select count(*)::int as n from public.things'));
      expect(count[0]!.n).toBe(1);
    } finally {
      await engine.close();
    }
  });
});
