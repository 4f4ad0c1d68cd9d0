// The embedded migrator (src/server/embedded/migrate-core.ts) and the pre-migrated template
// (template.ts): a data folder whose applied migrations changed, or that holds migrations this
// build does not know (a folder from before the squash), is refused with a sentence and a way
// out; a fresh folder copied from the template is seeded once, like a new one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationChanged, MigrationMismatch, MigrationsSquashed, migrateWith, schemaKey } from '~/server/embedded/migrate-core.ts';
import { migrate, schemaFiles } from '~/server/embedded/migrate.ts';
import { openPglite } from '~/server/embedded/sql.ts';
import { buildTemplate, copyTemplate } from '~/server/embedded/template.ts';
import { PGLITE_OFF, pgliteSnapshot } from './harness.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-migrator-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
/** An empty cluster, as a new data folder has before its first migration (from the run's snapshot of one). */
const blankCluster = () => openPglite({ from: pgliteSnapshot('pgliteBlank') });

const v1 = [
  { name: 'migrations/20260101000000_a.sql', sql: 'create table public.things (id int primary key);' },
  { name: 'migrations/20260102000000_b.sql', sql: 'alter table public.things add column label text;' },
];
/** The migrations before the squash into one file per domain (December 2026), as a folder recorded them. */
const BEFORE_THE_SQUASH = [
  '20261130100000_schools_people.sql',
  '20261130100100_classes_pupils.sql',
  '20261130100200_invitations.sql',
  '20261130100300_class_mode_sign_in.sql',
  '20261130100400_storage.sql',
  '20261130100500_leaflets.sql',
  '20261201100000_schools_people_roles.sql',
  '20261201100100_classes_pupils_teachers.sql',
  '20261201100200_storage_no_listing.sql',
  '20261201100300_leaflets_parent_rows.sql',
  '20261201100400_class_mode_sign_in_limits.sql',
  '20261201120000_class_mode_pupils.sql',
  '20261201120100_needs.sql',
  '20261201120200_classes_pupils_counts.sql',
  '20261201130000_meetings.sql',
  '20261201140000_leaflets_translation_work.sql',
  '20261201150000_pupil_access_log.sql',
  '20261201155000_school_privacy.sql',
  '20261201160000_erasure_retention.sql',
  '20261201170000_my_data.sql',
  '20261201180000_leaving_and_erasure_requests.sql',
  '20261201190000_public_pages_version.sql',
  '20261201191000_leaflet_cards.sql',
  '20261201192000_left_pupils_in_rounds.sql',
  '20261207120000_written_translations.sql',
  '20261207121000_meetings_interpreters_changes_rounds.sql',
  '20261207122000_my_data_translations.sql',
  '20261207180000_notifications.sql',
  '20261208100000_pupil_sessions_idle_and_leaving.sql',
  '20261208101000_pupil_consent_and_my_data.sql',
  '20261208110000_anonymous_feedback_pooled.sql',
  '20261208111000_who_looked_truthful.sql',
  '20261208112000_pupil_rows_through_loggers.sql',
  '20261208113000_pupil_parts_through_logger.sql',
  '20261208120000_group_plans.sql',
  '20261208120100_group_plans_attention.sql',
  '20261208130000_needs_rounds_as_teachers_use_them.sql',
  '20261208130100_class_mode_pupils_avatar_taken.sql',
  '20261208140000_meetings_preparation_topic.sql',
  '20261208150000_left_pupils_cannot_be_booked.sql',
];
const seed = { name: 'seed/seed.sql', sql: "insert into public.things values (1, 'demo');" };

describe.skipIf(PGLITE_OFF)('embedded migrator', () => {
  it('records a checksum per migration and refuses a folder whose applied migration changed, naming it', async () => {
    const engine = await blankCluster();
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
    const engine = await blankCluster();
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

  it('refuses a real data folder from before the squash: names the old files, keeps it as it was, says how to go on', async () => {
    // A folder as the portal left it before the squash: Supabase's stand-ins applied (they were
    // not squashed), then the forty migrations of the first weeks, each recorded by name.
    const engine = await blankCluster();
    try {
      const standIns = schemaFiles().filter((f) => f.name.startsWith('embedded/'));
      await migrateWith(engine, { schema: standIns }, { seed: false });
      await engine.transaction(async (sql) => {
        for (const name of BEFORE_THE_SQUASH) {
          await sql.query('insert into embedded.schema_migrations (name, checksum) values ($1, $2)', [
            `migrations/${name}`,
            'f'.repeat(64),
          ]);
        }
      });
      const refused = await migrate(engine, { seed: true }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(MigrationsSquashed);
      // Still a mismatch, for those that only know that kind (the restore of a backup).
      expect(refused).toBeInstanceOf(MigrationMismatch);
      const message = (refused as Error).message;
      expect(message).toContain('older version of the portal');
      expect(message).toContain('migrations/20261130100000_schools_people.sql');
      expect(message).toContain('npm run backup');
      expect(message).toMatch(/new data folder: move the old one away, or set PORTAL_DATA_DIR/);
      // Nothing of this build was applied: the folder is as it was, for its own version or a backup.
      const rows = await engine.transaction((sql) =>
        sql.query<{ n: number }>("select count(*)::int as n from embedded.schema_migrations where name like 'migrations/%'"),
      );
      expect(rows[0]!.n).toBe(BEFORE_THE_SQUASH.length);
      const schools = await engine.transaction((sql) => sql.query<{ t: string | null }>("select to_regclass('public.schools')::text as t"));
      expect(schools[0]!.t).toBeNull();
    } finally {
      await engine.close();
    }
  });

  it('a folder from before checksums were kept gets them recorded, and a later edit is caught', async () => {
    const engine = await blankCluster();
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
