import type { TFunction } from '~/i18n/index.ts';
import { z } from 'zod';
import {
  ADDABLE_KINDS,
  contentFromForm,
  LEAFLET_LIMITS,
  parseBlockContent,
  publishWarnings,
  slugify,
  TRANSLATION_LOCALES,
  type TranslationLocale,
} from '~/domain/leaflets.ts';
import { intlLocale } from '~/i18n/format.ts';
import { labelOf } from '~/i18n/locales.ts';
import { RpcError, type EditorBlock } from '~/domain/rpc/index.ts';
import { type FieldErrors, fieldErrors } from '~/server/forms.ts';
import { schoolStaff } from '~/server/guards.ts';
import { cleanImage, IMAGE_MAX_MB } from '~/server/images.ts';
import { machineTranslator, translateChangedBlocks } from '~/server/leaflet-translation.ts';
import { StorageRefused } from '~/server/port.ts';
import { TranslationFailed } from '~/server/translate/index.ts';
import { removeStoredFile, replaceStoredFile } from '~/server/stored-files.ts';
import { type ActionContext, type Done, formAction, pageOf, Refusal } from './define.ts';

/**
 * A school's leaflets: starting one (from a template or blank) and the editor's commands. Every
 * editor form carries the revision it was made from; an edit on an older revision is refused
 * and what was typed is kept, next to what the other person saved.
 */

const revision = z.coerce.number().int().min(0);
const block = z.uuid();
/** The block's text fields as typed; checked per kind by the leaflet rules, not here. */
const content = {
  text: z
    .string()
    .max(LEAFLET_LIMITS.text * 2)
    .optional(),
  title: z
    .string()
    .max(LEAFLET_LIMITS.title * 2)
    .optional(),
  items: z
    .string()
    .max(LEAFLET_LIMITS.item * LEAFLET_LIMITS.items.max * 2)
    .optional(),
  alt: z
    .string()
    .max(LEAFLET_LIMITS.alt * 2)
    .optional(),
  caption: z
    .string()
    .max(LEAFLET_LIMITS.alt * 2)
    .optional(),
};

const adminBase = (ctx: ActionContext) => `/${ctx.locals.lang}/s/${ctx.params.school}/admin/leaflets`;

/** The leaflet of the editor page, checked against the school of the page. */
async function leafletOfPage(ctx: ActionContext, schoolId: string) {
  const id = z.uuid().safeParse(ctx.params.leafletId);
  const leaflet = id.success ? (await ctx.locals.backend.db.rpc('leaflet_for_editing', { p_leaflet: id.data }))[0] : undefined;
  if (!leaflet || leaflet.school_id !== schoolId) throw new Refusal({ _form: ctx.locals.t('errors.forbidden') });
  return leaflet;
}

function blockOf(leaflet: { blocks: EditorBlock[] }, id: string, t: TFunction): EditorBlock {
  const found = leaflet.blocks.find((b) => b.id === id);
  if (!found) throw new Refusal({ revision: t('leaflets:editor.stale') });
  return found;
}

/** Content for a block's kind, or the refusal that names the field. */
function checkedContent(kind: EditorBlock['kind'], typed: { [field: string]: unknown }, t: TFunction) {
  const fields = Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
  const parsed = parseBlockContent(kind, contentFromForm(kind, fields));
  if (!parsed.success) throw new Refusal(fieldErrors(parsed.error.issues, t));
  return parsed.data as Record<string, unknown>;
}

/** Back to the block that was edited, in the language being edited. */
const toBlock = (ctx: ActionContext, key: string) => `${pageOf(ctx.url)}#block-${key}`;

const editorRefusals = (err: RpcError | StorageRefused, t: TFunction): FieldErrors | undefined => {
  if (err instanceof RpcError && err.code === 'stale_revision') return { revision: t('leaflets:editor.stale') };
  if (err instanceof RpcError && err.code === 'invalid') return { _form: t('leaflets:editor.invalid') };
  if (err instanceof StorageRefused) {
    const reason = err.reason === 'too_large' || err.reason === 'wrong_type' ? err.reason : 'unreadable';
    return { image: t(`leaflets:image.error.${reason}`, { mb: IMAGE_MAX_MB }) };
  }
  return undefined;
};

const editor = <S extends z.ZodObject>(input: S) => ({ guard: schoolStaff(), input, refusals: editorRefusals });

export const leaflets = {
  adopt: formAction({
    guard: schoolStaff(),
    input: z.object({ template: z.uuid() }),
    async handler({ template }, school, ctx) {
      const id = await ctx.locals.backend.db.rpc('adopt_template', { p_school: school.school.id, p_template: template });
      return { ok: true, to: `${adminBase(ctx)}/${id}` };
    },
    refusals: (err, t) =>
      err instanceof RpcError && err.code === 'duplicate' ? { _form: t('leaflets:admin.error.duplicate') } : undefined,
  }),

  create: formAction({
    guard: schoolStaff(),
    input: z.object({ title: z.string().trim().min(1).max(LEAFLET_LIMITS.title) }),
    async handler({ title }, school, ctx) {
      const id = await ctx.locals.backend.db.rpc('create_leaflet', { p_school: school.school.id, p_slug: slugify(title), p_title: title });
      return { ok: true, to: `${adminBase(ctx)}/${id}` };
    },
    refusals: (err, t) =>
      err instanceof RpcError && err.code === 'duplicate' ? { title: t('leaflets:admin.error.duplicate') } : undefined,
  }),

  saveSource: formAction({
    ...editor(z.object({ block, revision, minor: z.boolean(), ...content })),
    async handler(d, school, ctx) {
      const { t, backend } = ctx.locals;
      const target = blockOf(await leafletOfPage(ctx, school.school.id), d.block, t);
      const checked = checkedContent(target.kind, d, t);
      const [result] = await backend.db.rpc('save_block_source', {
        p_block: target.id,
        p_revision: d.revision,
        p_content: checked,
        p_minor: d.minor,
      });
      return {
        ok: true,
        to: toBlock(ctx, target.key),
        flash: { key: result?.changed ? 'leaflets:editor.saved' : 'leaflets:editor.unchanged' },
      };
    },
  }),

  saveTranslation: formAction({
    ...editor(z.object({ block, revision, locale: z.enum(TRANSLATION_LOCALES), machine: z.boolean(), ...content })),
    async handler(d, school, ctx) {
      const { t, backend } = ctx.locals;
      const target = blockOf(await leafletOfPage(ctx, school.school.id), d.block, t);
      const checked = checkedContent(target.kind, d, t);
      await backend.db.rpc('save_block_translation', {
        p_block: target.id,
        p_locale: d.locale,
        p_revision: d.revision,
        p_content: checked,
        p_machine: d.machine,
      });
      return { ok: true, to: toBlock(ctx, target.key), flash: { key: 'leaflets:editor.saved' } };
    },
  }),

  review: formAction({
    ...editor(z.object({ block, revision, locale: z.enum(TRANSLATION_LOCALES) })),
    async handler(d, school, ctx) {
      const target = blockOf(await leafletOfPage(ctx, school.school.id), d.block, ctx.locals.t);
      await ctx.locals.backend.db.rpc('review_translation', { p_block: target.id, p_locale: d.locale, p_revision: d.revision });
      return { ok: true, to: toBlock(ctx, target.key), flash: { key: 'leaflets:editor.reviewed' } };
    },
  }),

  addBlock: formAction({
    ...editor(z.object({ revision, kind: z.enum(ADDABLE_KINDS), position: z.coerce.number().int().min(1).max(1000), ...content })),
    async handler(d, school, ctx) {
      const leaflet = await leafletOfPage(ctx, school.school.id);
      const checked = checkedContent(d.kind, d, ctx.locals.t);
      await ctx.locals.backend.db.rpc('add_block', {
        p_leaflet: leaflet.leaflet_id,
        p_revision: d.revision,
        p_kind: d.kind,
        p_position: d.position,
        p_content: checked,
      });
      return { ok: true, to: ctx.url.pathname, flash: { key: 'leaflets:editor.added' } };
    },
  }),

  moveBlock: formAction({
    ...editor(z.object({ block, revision, direction: z.enum(['up', 'down']) })),
    async handler(d, school, ctx) {
      const target = blockOf(await leafletOfPage(ctx, school.school.id), d.block, ctx.locals.t);
      await ctx.locals.backend.db.rpc('move_block', { p_block: target.id, p_revision: d.revision, p_delta: d.direction === 'up' ? -1 : 1 });
      return { ok: true, to: toBlock(ctx, target.key), flash: { key: 'leaflets:editor.moved' } };
    },
  }),

  deleteBlock: formAction({
    ...editor(z.object({ block, revision })),
    async handler(d, school, ctx) {
      const target = blockOf(await leafletOfPage(ctx, school.school.id), d.block, ctx.locals.t);
      const [deleted] = await ctx.locals.backend.db.rpc('delete_block', { p_block: target.id, p_revision: d.revision });
      if (deleted?.unused_path) await removeStoredFile(ctx.locals.backend, deleted.unused_path);
      return { ok: true, flash: { key: 'leaflets:editor.deleted' } };
    },
  }),

  uploadImage: formAction({
    ...editor(z.object({ block, revision, image: z.instanceof(File).optional() })),
    async handler(d, school, ctx) {
      const { t, backend } = ctx.locals;
      const target = blockOf(await leafletOfPage(ctx, school.school.id), d.block, t);
      if (!d.image || d.image.size === 0) throw new Refusal({ image: t('leaflets:image.error.empty') });
      const image = await cleanImage(new Uint8Array(await d.image.arrayBuffer()), { maxWidth: 1600, format: 'webp' });
      if ('problem' in image) throw new Refusal({ image: t(`leaflets:image.error.${image.problem}`, { mb: IMAGE_MAX_MB }) });
      const path = `${school.school.id}/${image.name}`;
      // Stored first; removed again if the block cannot take it; the picture it replaces goes once
      // nothing shows it any more (a published version keeps its pictures for restoring).
      let unused: string | null = null;
      await replaceStoredFile(backend, null, path, image, async () => {
        const [result] = await backend.db.rpc('set_block_image', {
          p_block: target.id,
          p_revision: d.revision,
          p_path: path,
          p_width: image.width,
          p_height: image.height,
        });
        unused = result?.unused_path ?? null;
      });
      if (unused) await removeStoredFile(backend, unused);
      return { ok: true, to: toBlock(ctx, target.key), flash: { key: 'leaflets:editor.imageSaved' } };
    },
  }),

  translateChanged: formAction({
    ...editor(z.object({ revision, locale: z.enum([...TRANSLATION_LOCALES, 'all']) })),
    async handler(d, school, ctx): Promise<Done> {
      const { t, backend, lang } = ctx.locals;
      const translator = machineTranslator();
      if (!translator) throw new Refusal({ _form: t('leaflets:translate.unavailable') });
      const leaflet = await leafletOfPage(ctx, school.school.id);
      if (leaflet.revision !== d.revision) throw new Refusal({ revision: t('leaflets:editor.stale') });
      const locales: readonly TranslationLocale[] = d.locale === 'all' ? TRANSLATION_LOCALES : [d.locale];
      const names = (list: TranslationLocale[]) => new Intl.ListFormat(intlLocale(lang), { type: 'conjunction' }).format(list.map(labelOf));
      // One language after another, each saved as one edit; a failure keeps what was done before it.
      let current = d.revision;
      const done: TranslationLocale[] = [];
      let failed: { locale: TranslationLocale; reason: TranslationFailed['reason'] } | null = null;
      for (const locale of locales) {
        try {
          const { items } = await translateChangedBlocks(translator, leaflet.blocks, locale);
          if (items.length === 0) continue;
          const [saved] = await backend.db.rpc('save_machine_translations', {
            p_leaflet: leaflet.leaflet_id,
            p_revision: current,
            p_locale: locale,
            p_items: items,
          });
          current = saved?.revision ?? current;
          done.push(locale);
        } catch (err) {
          if (!(err instanceof TranslationFailed)) throw err;
          failed = { locale, reason: err.reason };
          break;
        }
      }
      if (failed && done.length === 0) throw new Refusal({ _form: t(`leaflets:translate.failed.${failed.reason}`) });
      if (done.length === 0) return { ok: true, flash: { key: 'leaflets:translate.nothing' } };
      const to = `${ctx.url.pathname}?edit=${d.locale === 'all' ? done[0] : d.locale}`;
      return failed
        ? { ok: true, to, flash: { key: 'leaflets:translate.partly', values: { languages: names(done), failed: labelOf(failed.locale) } } }
        : { ok: true, to, flash: { key: 'leaflets:translate.done', values: { languages: names(done) } } };
    },
  }),

  publish: formAction({
    ...editor(z.object({ revision, confirm: z.boolean() })),
    async handler(d, school, ctx) {
      const leaflet = await leafletOfPage(ctx, school.school.id);
      // Outdated, missing or unchecked translations: said, per language, before parents see them.
      if (!d.confirm && publishWarnings(leaflet.blocks).length > 0)
        throw new Refusal({ confirm: ctx.locals.t('leaflets:publish.confirmTitle') });
      const [published] = await ctx.locals.backend.db.rpc('publish_leaflet', { p_leaflet: leaflet.leaflet_id, p_revision: d.revision });
      return { ok: true, flash: { key: 'leaflets:editor.publishedNow', values: { version: published?.version_no ?? 0 } } };
    },
  }),

  unpublish: formAction({
    ...editor(z.object({})),
    async handler(_, school, ctx) {
      const leaflet = await leafletOfPage(ctx, school.school.id);
      await ctx.locals.backend.db.rpc('unpublish_leaflet', { p_leaflet: leaflet.leaflet_id });
      return { ok: true, flash: { key: 'leaflets:editor.unpublishedNow' } };
    },
  }),

  restore: formAction({
    ...editor(z.object({ revision, version: z.coerce.number().int().min(1) })),
    async handler(d, school, ctx) {
      const leaflet = await leafletOfPage(ctx, school.school.id);
      const [restored] = await ctx.locals.backend.db.rpc('restore_leaflet_version', {
        p_leaflet: leaflet.leaflet_id,
        p_version_no: d.version,
        p_revision: d.revision,
      });
      return { ok: true, flash: { key: 'leaflets:editor.restored', values: { from: d.version, version: restored?.version_no ?? 0 } } };
    },
  }),
};
