import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeTranslations, TRANSLATION_LOCALES } from '~/domain/leaflets.ts';
import { readerBlocks } from '~/domain/reader.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { canonicalLeaflets, syncTemplates } from '~/server/templates.ts';
import { buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Leaflets: who may read and edit what (per persona, tables and functions), and the rules of
 * versions: translation state, minor changes, the revision check, publishing and restoring.
 */

const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);

describe.each(DATABASES)('leaflets on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let published: string;
  let draft: string;
  const TEMPLATES = canonicalLeaflets().length;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    const service = db.as(SERVICE);
    await syncTemplates({ rpc: (name, args) => service.rpc(name, args) });
    const templates = await db.as(w.personas.admin).rpc('leaflet_templates', {});
    const admin = db.as(w.personas.admin);
    published = await admin.rpc('adopt_template', { p_school: w.school.id, p_template: templates[0]!.template_id });
    await admin.rpc('publish_leaflet', { p_leaflet: published, p_revision: 0 });
    draft = await admin.rpc('adopt_template', { p_school: w.school.id, p_template: templates[1]!.template_id });
  }, 60_000);
  afterAll(() => db?.close());

  const q = (p: PersonaName, text: string, params: unknown[] = []) => outcome(() => db.as(w.personas[p]).query(text, params));
  const tryQ = (p: PersonaName, text: string, params: unknown[] = []) => outcome(() => db.as(w.personas[p]).tryQuery(text, params));
  const call = (p: PersonaName) => db.as(w.personas[p]);

  describe('tables', () => {
    it.each(
      table({
        admin: 2,
        teacher: 2,
        coach: 2,
        otherTeacher: 2,
        otherStaff: 1,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 1,
      }),
    )("leaflets of the school: %s sees %s (drafts are the staff's)", async (p, n) =>
      expect(await q(p, 'select id from public.leaflets where school_id = $1', [w.school.id])).toBe(n),
    );

    it.each(PERSONAS)('templates: %s reads them all', async (p) => {
      expect(await q(p, 'select id from public.leaflets where school_id is null')).toBe(TEMPLATES);
    });

    it.each(
      table({
        admin: 'all',
        teacher: 'all',
        coach: 'all',
        otherTeacher: 'all',
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 0,
      }),
    )("blocks and translations of the school's leaflets: %s sees %s (readers get the published snapshot)", async (p, n) => {
      const [count] = await db.owner.transaction((sql) =>
        sql.query<{ n: number }>('select count(*)::int as n from public.leaflet_blocks where school_id = $1', [w.school.id]),
      );
      const expected = n === 'all' ? count!.n : n;
      expect(await q(p, 'select id from public.leaflet_blocks where school_id = $1', [w.school.id])).toBe(expected);
      expect((await q(p, 'select block_id from public.leaflet_translations where school_id = $1', [w.school.id])) === 0).toBe(
        expected === 0,
      );
    });

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 1,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 1,
      }),
    )('versions: %s sees the live version (%s)', async (p, n) =>
      expect(await q(p, 'select id from public.leaflet_versions where leaflet_id = $1', [published])).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('insert a leaflet: %s → %s', async (p, n) =>
      expect(await tryQ(p, `insert into public.leaflets (school_id, slug) values ($1, 'eigen-folder') returning id`, [w.school.id])).toBe(
        n,
      ),
    );

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )("edit a block's Dutch text directly: %s → %s", async (p, n) =>
      expect(
        await tryQ(
          p,
          `update public.leaflet_blocks set source = '{"text":"Anders"}' where leaflet_id = $1 and kind = 'title' returning id`,
          [published],
        ),
      ).toBe(n),
    );

    it.each(
      table({
        admin: 'error',
        teacher: 'error',
        coach: 'error',
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('edit a template: %s → %s', async (p, n) => {
      const result = await tryQ(
        p,
        `update public.leaflet_blocks set source = '{"text":"Anders"}' where school_id is null and kind = 'title' returning id`,
      );
      expect(result === 0 || result === 'error', String(result)).toBe(true);
      void n;
    });

    it.each(PERSONAS)('history is never rewritten: %s can neither change nor delete a published version', async (p) => {
      for (const text of [
        `update public.leaflet_versions set snapshot = '{}' where leaflet_id = $1 returning id`,
        'delete from public.leaflet_versions where leaflet_id = $1 returning id',
      ]) {
        const result = await tryQ(p, text, [published]);
        expect(result === 0 || result === 'error', `${p}: ${text}`).toBe(true);
      }
    });

    it.each(
      table({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('delete a leaflet: %s → %s', async (p, n) =>
      expect(await tryQ(p, 'delete from public.leaflets where id = $1 returning id', [draft])).toBe(n),
    );
  });

  describe('direct writes as PostgREST allows them (hole 13): a row never hangs under another school’s rows', () => {
    let foreign: { leaflet: string; block: string };
    let mine: { block: string };
    beforeAll(async () => {
      const templates = await call('otherStaff').rpc('leaflet_templates', {});
      const leaflet = await call('otherStaff').rpc('adopt_template', { p_school: w.otherSchool.id, p_template: templates[2]!.template_id });
      const [block] = await db.owner.transaction((sql) =>
        sql.query<{ id: string }>('select id from public.leaflet_blocks where leaflet_id = $1 order by position limit 1', [leaflet]),
      );
      const [own] = await db.owner.transaction((sql) =>
        sql.query<{ id: string }>(`select id from public.leaflet_blocks where leaflet_id = $1 and kind = 'paragraph' limit 1`, [published]),
      );
      foreign = { leaflet, block: block!.id };
      mine = { block: own!.id };
    });
    // Each persona writes rows labelled with its own school, hung under the other school's rows.
    const ownSchool = (p: PersonaName) => (p === 'otherStaff' ? w.otherSchool.id : w.school.id);
    const otherLeaflet = (p: PersonaName) => (p === 'otherStaff' ? published : foreign.leaflet);

    it.each(PERSONAS)('a block under another school’s leaflet: %s is refused', async (p) => {
      expect(
        await tryQ(
          p,
          `insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source)
           values ($1, $2, 'intruder', 99, 'paragraph', 'school', '{"text":"x"}') returning id`,
          [otherLeaflet(p), ownSchool(p)],
        ),
      ).toBe('error');
    });

    it.each(PERSONAS)('a translation of another school’s block: %s is refused', async (p) => {
      const [block, leaflet] = p === 'otherStaff' ? [mine.block, published] : [foreign.block, foreign.leaflet];
      expect(
        await tryQ(
          p,
          `insert into public.leaflet_translations (block_id, leaflet_id, school_id, locale, content, source_version, origin)
           values ($1, $2, $3, 'tr', '{"text":"x"}', 1, 'school') returning block_id`,
          [block, leaflet, ownSchool(p)],
        ),
      ).toBe('error');
    });

    it.each(PERSONAS)('a published version of another school’s leaflet: %s is refused', async (p) => {
      expect(
        await tryQ(
          p,
          `insert into public.leaflet_versions (leaflet_id, school_id, version_no, snapshot) values ($1, $2, 99, '{"blocks":[]}') returning id`,
          [otherLeaflet(p), ownSchool(p)],
        ),
      ).toBe('error');
    });

    it.each(
      table({
        admin: 'error',
        teacher: 'error',
        coach: 'error',
        otherTeacher: 'error',
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('moving one’s own block under another school’s leaflet: %s → %s', async (p, n) =>
      expect(
        await tryQ(p, 'update public.leaflet_blocks set leaflet_id = $1 where id = $2 returning id', [foreign.leaflet, mine.block]),
      ).toBe(n),
    );

    it.each(PERSONAS)('one’s own profile keeps its sign-in address: %s cannot rewrite it', async (p) => {
      expect(
        await tryQ(p, `update public.profiles set email = 'someone@else.example' where user_id = $1 returning user_id`, [
          w.personas[p].sub ?? w.admin.id,
        ]),
      ).toBe('error');
    });
  });

  describe('functions', () => {
    it.each(PERSONAS)('schools_with_leaflets: %s finds the school by its one published leaflet', async (p) => {
      const schools = await call(p).rpc('schools_with_leaflets', {});
      expect(schools.find((s) => s.slug === w.school.slug)?.leaflet_count).toBe(1);
      expect(schools.find((s) => s.slug === w.otherSchool.slug)).toBeUndefined();
    });

    it.each(PERSONAS)('published_leaflets and published_leaflet: %s reads the published one, never the draft', async (p) => {
      const list = await call(p).rpc('published_leaflets', { p_school_slug: w.school.slug });
      expect(list.map((l) => l.slug)).toEqual([canonicalLeaflets()[0]!.slug]);
      expect(await call(p).rpc('published_leaflet', { p_school_slug: w.school.slug, p_slug: canonicalLeaflets()[0]!.slug })).toHaveLength(
        1,
      );
      expect(await call(p).rpc('published_leaflet', { p_school_slug: w.school.slug, p_slug: canonicalLeaflets()[1]!.slug })).toHaveLength(
        0,
      );
    });

    it.each(
      table({
        admin: 2,
        teacher: 2,
        coach: 2,
        otherTeacher: 2,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )('school_leaflets: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('school_leaflets', { p_school: w.school.id }))).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )('leaflet_for_editing: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('leaflet_for_editing', { p_leaflet: draft }))).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('create_leaflet: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('create_leaflet', { p_school: w.school.id, p_slug: 'onze-gesprekken', p_title: 'Onze gesprekken' }),
        ),
      ).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('adopt_template: %s → %s', async (p, n) => {
      const templates = await call('admin').rpc('leaflet_templates', {});
      expect(await outcome(() => call(p).tryRpc('adopt_template', { p_school: w.school.id, p_template: templates[3]!.template_id }))).toBe(
        n,
      );
    });

    const editingCalls = async (p: PersonaName) => {
      const [editor] = await call('admin').rpc('leaflet_for_editing', { p_leaflet: draft });
      const block = editor!.blocks.find((b) => b.kind === 'paragraph')!;
      const rev = editor!.revision;
      const me = call(p);
      return {
        save_block_source: await outcome(() =>
          me.tryRpc('save_block_source', { p_block: block.id, p_revision: rev, p_content: { text: 'Nieuw' }, p_minor: false }),
        ),
        save_block_translation: await outcome(() =>
          me.tryRpc('save_block_translation', {
            p_block: block.id,
            p_locale: 'ar',
            p_revision: rev,
            p_content: { text: 'جديد' },
            p_machine: false,
          }),
        ),
        review_translation: await outcome(() => me.tryRpc('review_translation', { p_block: block.id, p_locale: 'ar', p_revision: rev })),
        add_block: await outcome(() =>
          me.tryRpc('add_block', {
            p_leaflet: draft,
            p_revision: rev,
            p_kind: 'paragraph',
            p_position: 1,
            p_content: { text: 'Eigen tekst' },
          }),
        ),
        move_block: await outcome(() => me.tryRpc('move_block', { p_block: block.id, p_revision: rev, p_delta: 1 })),
        delete_block: await outcome(() => me.tryRpc('delete_block', { p_block: block.id, p_revision: rev })),
        save_machine_translations: await outcome(() =>
          me.tryRpc('save_machine_translations', {
            p_leaflet: draft,
            p_revision: rev,
            p_locale: 'pl',
            p_items: [{ block: block.id, v: block.v, content: { text: 'Nowy' } }],
          }),
        ),
        publish_leaflet: await outcome(() => me.tryRpc('publish_leaflet', { p_leaflet: draft, p_revision: rev })),
      };
    };

    it.each(['admin', 'teacher'] as const)('the editing functions work for %s', async (p) => {
      expect(Object.values(await editingCalls(p))).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    });

    it.each(['otherStaff', 'parent', 'otherParent', 'pupil', 'otherPupil', 'anon'] as const)(
      'the editing functions refuse %s',
      async (p) => {
        for (const [name, result] of Object.entries(await editingCalls(p))) expect(result, name).toBe('forbidden');
      },
    );

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )('leaflet_history: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('leaflet_history', { p_leaflet: published }))).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )('unpublish_leaflet: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('unpublish_leaflet', { p_leaflet: published }))).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )('delete_leaflet: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('delete_leaflet', { p_leaflet: draft }))).toBe(n),
    );

    it.each(['sync_template', 'seed_demo_leaflets'] as const)('%s is for the server only', async (name) => {
      const args = name === 'sync_template' ? { p_slug: 'x', p_version: 1, p_position: 0, p_blocks: [] } : {};
      for (const p of PERSONAS) expect(await outcome(() => call(p).tryRpc(name, args as never)), p).toBe('forbidden');
    });

    it.each(
      table({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('set_block_image: %s → %s', async (p, n) => {
      const id = await call('admin').rpc('create_leaflet', {
        p_school: w.school.id,
        p_slug: `plaatje-${p.toLowerCase()}`,
        p_title: 'Plaatje',
      });
      const [added] = await call('admin').rpc('add_block', {
        p_leaflet: id,
        p_revision: 0,
        p_kind: 'image',
        p_position: 1,
        p_content: { alt: 'Een plaatje' },
      });
      const result = await outcome(() =>
        call(p).tryRpc('set_block_image', {
          p_block: added!.block_id,
          p_revision: 1,
          p_path: `${w.school.id}/a.webp`,
          p_width: 10,
          p_height: 10,
        }),
      );
      await call('admin').rpc('delete_leaflet', { p_leaflet: id });
      expect(result).toBe(n);
    });

    it('a replaced picture is handed back for deletion unless a published version still shows it (hole 12)', async () => {
      const admin = call('admin');
      const id = await admin.rpc('create_leaflet', { p_school: w.school.id, p_slug: 'plaatjes', p_title: 'Plaatjes' });
      const [added] = await admin.rpc('add_block', {
        p_leaflet: id,
        p_revision: 0,
        p_kind: 'image',
        p_position: 1,
        p_content: { alt: 'Een plaatje' },
      });
      const path = (n: number) => `${w.school.id}/p${n}.webp`;
      const set = async (n: number, revision: number) =>
        (
          await admin.rpc('set_block_image', { p_block: added!.block_id, p_revision: revision, p_path: path(n), p_width: 10, p_height: 10 })
        )[0]!;
      expect((await set(1, 1)).unused_path).toBeNull();
      // Never published: the first picture is not used any more.
      expect((await set(2, 2)).unused_path).toBe(path(1));
      await admin.rpc('publish_leaflet', { p_leaflet: id, p_revision: 3 });
      // Published: the version keeps it, so it stays.
      expect((await set(3, 3)).unused_path).toBeNull();
      const [deleted] = await admin.rpc('delete_block', { p_block: added!.block_id, p_revision: 4 });
      // Its picture was never published: removing the block frees it.
      expect(deleted!.unused_path).toBe(path(3));
      await admin.rpc('delete_leaflet', { p_leaflet: id });
    });
  });

  describe('versions decide translation state', () => {
    // A new leaflet of the other school (its admin edits it) with one paragraph.
    async function fresh() {
      const other = call('otherStaff');
      const leaflet = await other.rpc('create_leaflet', {
        p_school: w.otherSchool.id,
        p_slug: `t-${Math.random().toString(36).slice(2, 10)}`,
        p_title: 'Proef',
      });
      const [added] = await other.rpc('add_block', {
        p_leaflet: leaflet,
        p_revision: 0,
        p_kind: 'paragraph',
        p_position: 1,
        p_content: { text: 'Eerste tekst' },
      });
      const revision = added!.revision;
      const load = async () => (await other.rpc('leaflet_for_editing', { p_leaflet: leaflet }))[0]!;
      return { other, leaflet, load, revision };
    }

    it('an adopted template starts with every translation current', async () => {
      const [editor] = await call('admin').rpc('leaflet_for_editing', { p_leaflet: draft });
      const summary = summarizeTranslations(editor!.blocks);
      for (const locale of TRANSLATION_LOCALES) {
        expect(summary[locale]).toMatchObject({ outdated: 0, missing: 0, current: editor!.blocks.length });
      }
    });

    it('a real change outdates translations, a minor one does not, an unchanged save is no version', async () => {
      const { other, load } = await fresh();
      let editor = await load();
      const paragraph = () => editor.blocks.find((b) => b.kind === 'paragraph')!;
      await other.rpc('save_block_translation', {
        p_block: paragraph().id,
        p_locale: 'pl',
        p_revision: editor.revision,
        p_content: { text: 'Pierwszy tekst' },
        p_machine: false,
      });
      editor = await load();
      expect(summarizeTranslations([paragraph()]).pl.current).toBe(1);

      // Same text, other whitespace: not a new version, revision unchanged.
      const [same] = await other.rpc('save_block_source', {
        p_block: paragraph().id,
        p_revision: editor.revision,
        p_content: { text: 'Eerste tekst' },
        p_minor: false,
      });
      expect(same).toMatchObject({ changed: false, source_version: 1, revision: editor.revision });

      const [minor] = await other.rpc('save_block_source', {
        p_block: paragraph().id,
        p_revision: editor.revision,
        p_content: { text: 'Eerste tekst.' },
        p_minor: true,
      });
      expect(minor).toMatchObject({ changed: true, source_version: 1 });
      editor = await load();
      expect(summarizeTranslations([paragraph()]).pl.current).toBe(1);

      const [real] = await other.rpc('save_block_source', {
        p_block: paragraph().id,
        p_revision: editor.revision,
        p_content: { text: 'Een andere tekst.' },
        p_minor: false,
      });
      expect(real).toMatchObject({ changed: true, source_version: 2 });
      editor = await load();
      expect(summarizeTranslations([paragraph()]).pl).toMatchObject({ current: 0, outdated: 1 });
      // A reader in Polish keeps the Polish, marked: the new Dutch is there on request.
      expect(readerBlocks([paragraph()], 'pl')[0]).toMatchObject({
        lang: 'pl',
        fallback: null,
        content: { text: 'Pierwszy tekst' },
        changedDutch: { text: 'Een andere tekst.' },
      });
    });

    it('an edit made on an older revision is refused, nothing overwritten', async () => {
      const { other, load } = await fresh();
      const editor = await load();
      const block = editor.blocks.find((b) => b.kind === 'paragraph')!;
      await other.rpc('save_block_source', {
        p_block: block.id,
        p_revision: editor.revision,
        p_content: { text: 'Tekst van persoon A' },
        p_minor: false,
      });
      await expect(
        other.rpc('save_block_source', {
          p_block: block.id,
          p_revision: editor.revision,
          p_content: { text: 'Tekst van persoon B' },
          p_minor: false,
        }),
      ).rejects.toMatchObject({ code: 'stale_revision' });
      expect((await load()).blocks.find((b) => b.id === block.id)!.nl).toEqual({ text: 'Tekst van persoon A' });
    });

    it('the database refuses content that is not of the block’s kind', async () => {
      const { other, load } = await fresh();
      const editor = await load();
      const block = editor.blocks.find((b) => b.kind === 'paragraph')!;
      await expect(
        other.rpc('save_block_source', {
          p_block: block.id,
          p_revision: editor.revision,
          p_content: { text: 'x', html: '<script>' },
          p_minor: false,
        }),
      ).rejects.toBeInstanceOf(RpcError);
      await expect(
        other.rpc('save_block_translation', {
          p_block: block.id,
          p_locale: 'ar',
          p_revision: editor.revision,
          p_content: { items: ['x'] },
          p_machine: false,
        }),
      ).rejects.toMatchObject({ code: 'invalid' });
    });

    it('publishing keeps every version; restoring an old one publishes it as a new version', async () => {
      const { other, leaflet, load } = await fresh();
      let editor = await load();
      await other.rpc('publish_leaflet', { p_leaflet: leaflet, p_revision: editor.revision });
      const block = editor.blocks.find((b) => b.kind === 'paragraph')!;
      await other.rpc('save_block_source', {
        p_block: block.id,
        p_revision: editor.revision,
        p_content: { text: 'Versie twee' },
        p_minor: false,
      });
      editor = await load();
      await other.rpc('publish_leaflet', { p_leaflet: leaflet, p_revision: editor.revision });
      const [restored] = await other.rpc('restore_leaflet_version', { p_leaflet: leaflet, p_version_no: 1, p_revision: editor.revision });
      expect(restored!.version_no).toBe(3);
      const history = await other.rpc('leaflet_history', { p_leaflet: leaflet });
      expect(history.map((h) => [h.version_no, h.restored_from, h.is_live])).toEqual([
        [3, 1, true],
        [2, null, false],
        [1, null, false],
      ]);
      expect((await load()).blocks.find((b) => b.kind === 'paragraph')!.nl).toEqual({ text: 'Eerste tekst' });
    });

    it('a template that improves tells the schools whose copy is older', async () => {
      const service = db.as(SERVICE);
      const [template] = canonicalLeaflets();
      const changed = template!.blocks.map((b, i) => (i === 1 ? { ...b, nl: { text: `${String(b.nl.text)} Nog een zin.` } } : b));
      expect(
        await service.rpc('sync_template', {
          p_slug: template!.slug,
          p_version: template!.version + 1,
          p_position: 0,
          p_blocks: changed as never,
        }),
      ).toBe('updated');
      expect(
        await service.rpc('sync_template', {
          p_slug: template!.slug,
          p_version: template!.version + 1,
          p_position: 0,
          p_blocks: changed as never,
        }),
      ).toBe('unchanged');
      const [mine] = (await call('admin').rpc('school_leaflets', { p_school: w.school.id })).filter(
        (l) => l.template_slug === template!.slug,
      );
      expect(mine!.template_latest).toBeGreaterThan(mine!.template_version!);
      // Only the changed block got a new version in the template.
      const versions = await db.owner.transaction((sql) =>
        sql.query<{ block_key: string; source_version: number }>(
          `select b.block_key, b.source_version from public.leaflet_blocks b join public.leaflets l on l.id = b.leaflet_id
           where l.school_id is null and l.slug = $1 order by b.position`,
          [template!.slug],
        ),
      );
      expect(versions.filter((v) => v.source_version > 1).map((v) => v.block_key)).toEqual([template!.blocks[1]!.key]);
    });
  });

  describe('translation work: machine translations and the "to translate" list', () => {
    let leaflet: string;
    beforeAll(async () => {
      const templates = await call('admin').rpc('leaflet_templates', {});
      leaflet = await call('admin').rpc('adopt_template', { p_school: w.school.id, p_template: templates[4]!.template_id });
    });
    const editor = async () => (await call('admin').rpc('leaflet_for_editing', { p_leaflet: leaflet }))[0]!;
    const mine = async (p: PersonaName) =>
      (await call(p).rpc('leaflets_to_translate', { p_school: w.school.id })).filter((r) => r.leaflet_id === leaflet);

    it('a Dutch edit puts the block on the list of those who translate that language, and only theirs', async () => {
      const e = await editor();
      const block = e.blocks.find((b) => b.kind === 'paragraph')!;
      await call('admin').rpc('save_block_source', {
        p_block: block.id,
        p_revision: e.revision,
        p_content: { text: 'Een nieuwe zin.' },
        p_minor: false,
      });
      await call('admin').rpc('set_my_translation_locales', { p_locales: ['ar', 'pl'] });
      await call('teacher').rpc('set_my_translation_locales', { p_locales: [] });
      await call('otherStaff').rpc('set_my_translation_locales', { p_locales: ['ar'] });
      await call('parent').rpc('set_my_translation_locales', { p_locales: ['ar'] });
      expect(await mine('admin')).toMatchObject([
        { locale: 'ar', missing: 0, outdated: 1, unchecked: 0 },
        { locale: 'pl', missing: 0, outdated: 1, unchecked: 0 },
      ]);
      expect(await mine('teacher')).toEqual([]);
      expect(await call('otherStaff').rpc('leaflets_to_translate', { p_school: w.school.id })).toEqual([]);
      expect(await call('parent').rpc('leaflets_to_translate', { p_school: w.school.id })).toEqual([]);
      expect(await outcome(() => call('anon').tryRpc('leaflets_to_translate', { p_school: w.school.id }))).toBe('forbidden');
    });

    it('machine translations are saved unchecked, move the block from "outdated" to "to check", and a check clears it', async () => {
      const e = await editor();
      const block = e.blocks.find((b) => b.kind === 'paragraph' && b.tr.ar!.v < b.v)!;
      const [saved] = await call('teacher').rpc('save_machine_translations', {
        p_leaflet: leaflet,
        p_revision: e.revision,
        p_locale: 'ar',
        p_items: [{ block: block.id, v: block.v, content: { text: 'جملة جديدة.' } }],
      });
      expect(saved).toEqual({ revision: e.revision + 1, saved: 1 });
      const after = (await editor()).blocks.find((b) => b.id === block.id)!;
      expect(after.tr.ar).toMatchObject({ v: block.v, o: 'machine', r: null });
      expect(readerBlocks([after], 'ar')[0]).toMatchObject({ origin: 'machine', changedDutch: null });
      expect((await mine('admin')).find((r) => r.locale === 'ar')).toMatchObject({ outdated: 0, unchecked: 1 });
      await call('admin').rpc('review_translation', { p_block: block.id, p_locale: 'ar', p_revision: e.revision + 1 });
      expect((await mine('admin')).map((r) => r.locale)).toEqual(['pl']);
    });

    it('a block whose Dutch changed while the machine worked is skipped, not overwritten with a stale translation', async () => {
      const e = await editor();
      const block = e.blocks.find((b) => b.kind === 'paragraph' && b.tr.pl!.v < b.v)!;
      const [saved] = await call('admin').rpc('save_machine_translations', {
        p_leaflet: leaflet,
        p_revision: e.revision,
        p_locale: 'pl',
        p_items: [{ block: block.id, v: block.v - 1, content: { text: 'Stare' } }],
      });
      expect(saved?.saved).toBe(0);
      expect((await editor()).blocks.find((b) => b.id === block.id)!.tr.pl!.o).not.toBe('machine');
    });

    it('refuses content that does not fit the block, a block of another leaflet, Dutch as a target, and an old revision', async () => {
      const e = await editor();
      const block = e.blocks.find((b) => b.kind === 'paragraph')!;
      const other = (await call('admin').rpc('leaflet_for_editing', { p_leaflet: draft }))[0]!.blocks[1]!;
      const attempt = (p_locale: string, item: Record<string, unknown>, p_revision = e.revision) =>
        outcome(() =>
          call('admin').tryRpc('save_machine_translations', {
            p_leaflet: leaflet,
            p_revision,
            p_locale: p_locale as 'ar',
            p_items: [item as never],
          }),
        );
      expect(await attempt('ar', { block: block.id, v: block.v, content: { text: '' } })).toBe('invalid');
      expect(await attempt('ar', { block: other.id, v: other.v, content: { text: 'x' } })).toBe('invalid');
      expect(await attempt('ar', { block: block.id, v: block.v, content: { text: 'x' } }, e.revision - 1)).toBe('stale_revision');
      await expect(
        db
          .as(w.personas.admin)
          .tryQuery("select * from public.save_machine_translations($1, $2, 'nl', '[]'::jsonb)", [leaflet, e.revision]),
      ).rejects.toThrow(/invalid/);
    });

    it('a profile lists only languages a leaflet is translated into, never Dutch', async () => {
      await expect(
        db.as(w.personas.teacher).tryQuery("update public.profiles set translates = '{nl}' where user_id = auth.uid()"),
      ).rejects.toThrow(/check/);
      await expect(
        db.as(w.personas.teacher).tryQuery("update public.profiles set translates = '{xx}' where user_id = auth.uid()"),
      ).rejects.toThrow(/check|locale_code/);
    });
  });
});
