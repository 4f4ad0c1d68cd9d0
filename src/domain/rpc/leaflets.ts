import { z } from 'zod';
import { TRANSLATION_LOCALES } from '~/i18n/locales.ts';
import { BLOCK_KINDS, TRANSLATION_ORIGINS } from '../leaflets.ts';
import { idArg, none, lazy, rpc, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_leaflets.sql: templates, a school's leaflets, blocks, translations, versions. */

export const LEAFLET_STATUSES = ['draft', 'published'] as const;
const leafletStatus = z.enum(LEAFLET_STATUSES);
const blockContent = z.record(z.string(), z.unknown());
const translationEntry = z.object({
  c: blockContent,
  v: z.number().int(),
  o: z.enum(TRANSLATION_ORIGINS),
  r: z.string().nullable(),
});
const image = z.object({ path: z.string(), width: z.number().int(), height: z.number().int() }).nullable();

/** A block as a reader renders it: frozen in the published snapshot. */
export const snapshotBlock = z.object({
  key: z.string(),
  kind: z.enum(BLOCK_KINDS),
  origin: z.enum(['template', 'school']),
  image,
  nl: blockContent,
  v: z.number().int(),
  tr: z.record(z.string(), translationEntry),
});
export type SnapshotBlock = z.infer<typeof snapshotBlock>;
export const leafletSnapshot = z.object({ blocks: z.array(snapshotBlock) });
const editorBlock = snapshotBlock.extend({ id: uuid });
export type EditorBlock = z.infer<typeof editorBlock>;
const blockVersions = z.object({
  v: z.number().int(),
  tr: z.record(z.string(), z.object({ v: z.number().int(), o: z.string(), r: z.string().nullable() })),
});
const revision = z.number().int();
const translationLocale = z.enum(TRANSLATION_LOCALES);
const changesPublicPages = true;

export const LEAFLETS = {
  // reading (anyone)
  /** Raised whenever a public page changes; several instances poll it to drop stale copies. */
  public_pages_version: lazy(() => rpc(z.object({}).strict(), z.coerce.number().int(), { returns: 'scalar', access: 'service' })),
  published_leaflets: lazy(() =>
    rpc(
      z.object({ p_school_slug: z.string().max(40) }).strict(),
      z.array(
        z.object({
          slug: z.string(),
          title: snapshotBlock.nullable(),
          version_no: z.number().int(),
          published_at: timestamp,
          lead: snapshotBlock.nullable(),
          template: z.string().nullable(),
        }),
      ),
      { access: 'anon' },
    ),
  ),
  published_leaflet: lazy(() =>
    rpc(
      z.object({ p_school_slug: z.string().max(40), p_slug: z.string().max(60) }).strict(),
      z.array(
        z.object({
          school_id: uuid,
          school_slug: z.string(),
          school_name: z.string(),
          logo_path: z.string().nullable(),
          contact_name: z.string().nullable(),
          contact_email: z.string().nullable(),
          contact_phone: z.string().nullable(),
          slug: z.string(),
          version_no: z.number().int(),
          published_at: timestamp,
          snapshot: leafletSnapshot,
        }),
      ),
      { access: 'anon' },
    ),
  ),
  schools_with_leaflets: lazy(() =>
    rpc(none, z.array(z.object({ slug: z.string(), name: z.string(), leaflet_count: z.number().int() })), {
      access: 'anon',
    }),
  ),
  leaflet_templates: lazy(() =>
    rpc(
      none,
      z.array(z.object({ template_id: uuid, slug: z.string(), version: z.number().int(), title: z.record(z.string(), z.string()) })),
      { access: 'anon' },
    ),
  ),

  // adapting (school staff)
  school_leaflets: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          leaflet_id: uuid,
          slug: z.string(),
          status: leafletStatus,
          title: z.record(z.string(), z.string()),
          revision,
          template_slug: z.string().nullable(),
          template_version: z.number().int().nullable(),
          template_latest: z.number().int().nullable(),
          published_version_no: z.number().int().nullable(),
          published_at: timestamp.nullable(),
          updated_at: timestamp,
          blocks: z.array(blockVersions),
        }),
      ),
    ),
  ),
  adopt_template: lazy(() => rpc(z.object({ p_school: uuid, p_template: uuid }).strict(), uuid, { returns: 'scalar' })),
  create_leaflet: lazy(() =>
    rpc(
      z
        .object({
          p_school: uuid,
          p_slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/),
          p_title: z.string().min(1).max(200),
        })
        .strict(),
      uuid,
      { returns: 'scalar' },
    ),
  ),
  leaflet_for_editing: lazy(() =>
    rpc(
      idArg('p_leaflet'),
      z.array(
        z.object({
          leaflet_id: uuid,
          school_id: uuid,
          slug: z.string(),
          status: leafletStatus,
          revision,
          template_version: z.number().int().nullable(),
          template_latest: z.number().int().nullable(),
          published_version_no: z.number().int().nullable(),
          blocks: z.array(editorBlock),
        }),
      ),
    ),
  ),
  save_block_source: lazy(() =>
    rpc(
      z.object({ p_block: uuid, p_revision: revision, p_content: blockContent, p_minor: z.boolean() }).strict(),
      z.array(z.object({ revision, changed: z.boolean(), source_version: z.number().int() })),
    ),
  ),
  save_block_translation: lazy(() =>
    rpc(
      z
        .object({ p_block: uuid, p_locale: translationLocale, p_revision: revision, p_content: blockContent, p_machine: z.boolean() })
        .strict(),
      z.array(z.object({ revision })),
    ),
  ),
  save_machine_translations: lazy(() =>
    rpc(
      z
        .object({
          p_leaflet: uuid,
          p_revision: revision,
          p_locale: translationLocale,
          p_items: z.array(z.object({ block: uuid, v: z.number().int().min(1), content: blockContent }).strict()).max(200),
        })
        .strict(),
      z.array(z.object({ revision, saved: z.number().int() })),
    ),
  ),
  leaflets_to_translate: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          leaflet_id: uuid,
          title: z.string().nullable(),
          locale: translationLocale,
          missing: z.number().int(),
          outdated: z.number().int(),
          unchecked: z.number().int(),
        }),
      ),
    ),
  ),
  review_translation: lazy(() =>
    rpc(z.object({ p_block: uuid, p_locale: translationLocale, p_revision: revision }).strict(), z.array(z.object({ revision }))),
  ),
  add_block: lazy(() =>
    rpc(
      z
        .object({
          p_leaflet: uuid,
          p_revision: revision,
          p_kind: z.enum(BLOCK_KINDS),
          p_position: z.number().int().min(1),
          p_content: blockContent,
        })
        .strict(),
      z.array(z.object({ revision, block_id: uuid })),
    ),
  ),
  delete_block: lazy(() =>
    rpc(z.object({ p_block: uuid, p_revision: revision }).strict(), z.array(z.object({ revision, unused_path: z.string().nullable() }))),
  ),
  move_block: lazy(() =>
    rpc(
      z.object({ p_block: uuid, p_revision: revision, p_delta: z.number().int().min(-1).max(1) }).strict(),
      z.array(z.object({ revision })),
    ),
  ),
  set_block_image: lazy(() =>
    rpc(
      z
        .object({
          p_block: uuid,
          p_revision: revision,
          p_path: z.string().max(300),
          p_width: z.number().int().min(1).max(4000),
          p_height: z.number().int().min(1).max(4000),
        })
        .strict(),
      z.array(z.object({ revision, unused_path: z.string().nullable() })),
    ),
  ),
  publish_leaflet: lazy(() =>
    rpc(z.object({ p_leaflet: uuid, p_revision: revision }).strict(), z.array(z.object({ version_no: z.number().int() })), {
      changesPublicPages,
    }),
  ),
  unpublish_leaflet: lazy(() => rpc(idArg('p_leaflet'), z.array(z.object({ id: uuid }).loose()), { changesPublicPages })),
  leaflet_history: lazy(() =>
    rpc(
      idArg('p_leaflet'),
      z.array(
        z.object({
          version_no: z.number().int(),
          published_at: timestamp,
          published_by_name: z.string().nullable(),
          restored_from: z.number().int().nullable(),
          is_live: z.boolean(),
        }),
      ),
    ),
  ),
  restore_leaflet_version: lazy(() =>
    rpc(
      z.object({ p_leaflet: uuid, p_version_no: z.number().int(), p_revision: revision }).strict(),
      z.array(z.object({ version_no: z.number().int() })),
      { changesPublicPages },
    ),
  ),
  delete_leaflet: lazy(() => rpc(idArg('p_leaflet'), z.array(z.object({ id: uuid }).loose()), { changesPublicPages })),

  // the server only
  sync_template: lazy(() =>
    rpc(
      z
        .object({
          p_slug: z.string().max(60),
          p_version: z.number().int().min(1),
          p_position: z.number().int(),
          p_blocks: z.array(z.record(z.string(), z.unknown())),
        })
        .strict(),
      z.string(),
      { returns: 'scalar', access: 'service', changesPublicPages },
    ),
  ),
  seed_demo_leaflets: lazy(() => rpc(none, z.number().int(), { returns: 'scalar', access: 'service', changesPublicPages })),
} as const;
