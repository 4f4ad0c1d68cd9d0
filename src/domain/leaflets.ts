import { z } from 'zod';

/**
 * Leaflets as ordered blocks. Each block has a Dutch source text with a version; each
 * translation records the source version it was made from. Whether a translation is current,
 * outdated or missing is decided by versions, never by timestamps.
 */

export const BLOCK_KINDS = ['title', 'heading', 'paragraph', 'tips', 'tomorrow', 'questions', 'image', 'contact'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];
/** Where a translation came from (the SQL enum `public.translation_origin`). */
export const TRANSLATION_ORIGINS = ['template', 'school', 'machine'] as const;
export type TranslationOrigin = (typeof TRANSLATION_ORIGINS)[number];

/** Kinds a school may add itself (the title is there from the start). */
export const ADDABLE_KINDS = [
  'heading',
  'paragraph',
  'tips',
  'tomorrow',
  'questions',
  'image',
  'contact',
] as const satisfies readonly BlockKind[];

import { TRANSLATION_LOCALES, type TranslationLocale } from '~/i18n/locales.ts';
import { normalizeLine } from './text.ts';

export { TRANSLATION_LOCALES, type TranslationLocale };

/** Limits shared with `private.valid_block_content` in the migrations. */
export const LEAFLET_LIMITS = {
  title: 200,
  text: 2000,
  contact: 600,
  alt: 300,
  items: { min: 1, max: 12 },
  item: 400,
} as const;

/** One line of leaflet text as it is stored: the same normaliser as every name (src/domain/text.ts). */
export const normalizeText = normalizeLine;

const text = (max: number, min = 1) => z.string().transform(normalizeText).pipe(z.string().min(min).max(max));

/**
 * Each kind's content schema. Built when first used, not when the module loads: the server loads
 * this module at every start, and the schemas are only needed when a leaflet is saved (issue 24).
 */
const makeBlockContent = () => {
  const items = z.array(text(LEAFLET_LIMITS.item)).min(LEAFLET_LIMITS.items.min).max(LEAFLET_LIMITS.items.max);
  return {
    title: z.object({ text: text(LEAFLET_LIMITS.title) }).strict(),
    heading: z.object({ text: text(LEAFLET_LIMITS.title) }).strict(),
    paragraph: z.object({ text: text(LEAFLET_LIMITS.text) }).strict(),
    contact: z.object({ text: text(LEAFLET_LIMITS.contact, 0) }).strict(),
    image: z.object({ alt: text(LEAFLET_LIMITS.alt), caption: text(LEAFLET_LIMITS.alt, 0).optional() }).strict(),
    tips: z.object({ title: text(LEAFLET_LIMITS.title), items }).strict(),
    tomorrow: z.object({ items }).strict(),
    questions: z.object({ items }).strict(),
  } satisfies Record<BlockKind, z.ZodType>;
};
let built: ReturnType<typeof makeBlockContent> | undefined;
const blockContent = () => (built ??= makeBlockContent());

export type BlockContent = {
  text?: string;
  title?: string;
  items?: string[];
  alt?: string;
  caption?: string;
};

/** Parses and normalises a block's content for its kind; the same rules the database checks. */
export function parseBlockContent(kind: BlockKind, content: unknown) {
  return blockContent()[kind].safeParse(content);
}

/** The fields an editor form shows for a kind. Lists are edited one item per line. */
export function fieldsOf(kind: BlockKind): Array<'text' | 'title' | 'items' | 'alt' | 'caption'> {
  switch (kind) {
    case 'tips':
      return ['title', 'items'];
    case 'tomorrow':
    case 'questions':
      return ['items'];
    case 'image':
      return ['alt', 'caption'];
    default:
      return ['text'];
  }
}

/** Builds block content from form fields (lists arrive as one item per line). */
export function contentFromForm(kind: BlockKind, form: Record<string, string | undefined>): unknown {
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(kind)) {
    const value = form[field] ?? '';
    if (field === 'items')
      out.items = value
        .split(/\r?\n/)
        .map((l) => l.replace(/^\s*[-•*]\s*/, ''))
        .filter((l) => l.trim() !== '');
    else if (field === 'caption') {
      if (value.trim() !== '') out.caption = value;
    } else out[field] = value;
  }
  return out;
}

export type TranslationStatus = 'current' | 'outdated' | 'missing';

/** Current when made from the block's version, outdated when from an older one, missing when absent. */
export function translationStatus(blockVersion: number, translationVersion: number | undefined | null): TranslationStatus {
  if (translationVersion === undefined || translationVersion === null) return 'missing';
  return translationVersion >= blockVersion ? 'current' : 'outdated';
}

export interface BlockVersions {
  v: number;
  tr: Record<string, { v: number; o?: string; r?: string | null }>;
}

export type StatusCounts = Record<TranslationStatus, number> & { machine: number };

/** Per language: how many blocks are current, outdated or missing (and machine-translated, unreviewed). */
export function summarizeTranslations(blocks: readonly BlockVersions[]): Record<TranslationLocale, StatusCounts> {
  const summary = Object.fromEntries(TRANSLATION_LOCALES.map((l) => [l, { current: 0, outdated: 0, missing: 0, machine: 0 }])) as Record<
    TranslationLocale,
    StatusCounts
  >;
  for (const block of blocks) {
    for (const locale of TRANSLATION_LOCALES) {
      const tr = block.tr[locale];
      summary[locale][translationStatus(block.v, tr?.v)]++;
      if (tr && tr.o === 'machine' && !tr.r && tr.v >= block.v) summary[locale].machine++;
    }
  }
  return summary;
}

/** The texts of a block's content, in field order (a list gives one text per item), for a translation machine. */
export function textsOfContent(kind: BlockKind, content: Record<string, unknown>): string[] {
  const texts: string[] = [];
  for (const field of fieldsOf(kind)) {
    const value = content[field];
    if (Array.isArray(value)) texts.push(...value.map(String));
    else if (typeof value === 'string') texts.push(value);
  }
  return texts;
}

/** The same content with its texts replaced, in the order `textsOfContent` gave them. */
export function contentWithTexts(kind: BlockKind, content: Record<string, unknown>, texts: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...content };
  let i = 0;
  for (const field of fieldsOf(kind)) {
    const value = content[field];
    if (Array.isArray(value)) out[field] = value.map(() => texts[i++] ?? '');
    else if (typeof value === 'string') out[field] = texts[i++] ?? '';
  }
  return out;
}

/** Blocks whose translation into a language is missing or made from an older Dutch text. */
export function changedBlocks<B extends BlockVersions>(blocks: readonly B[], locale: TranslationLocale): B[] {
  return blocks.filter((b) => translationStatus(b.v, b.tr[locale]?.v) !== 'current');
}

/** Per language, what a reader would meet that is not a checked, current translation (only languages with any). */
export function publishWarnings(
  blocks: readonly BlockVersions[],
): Array<{ locale: TranslationLocale; outdated: number; missing: number; unchecked: number }> {
  const summary = summarizeTranslations(blocks);
  return TRANSLATION_LOCALES.map((locale) => ({
    locale,
    outdated: summary[locale].outdated,
    missing: summary[locale].missing,
    unchecked: summary[locale].machine,
  })).filter((w) => w.outdated + w.missing + w.unchecked > 0);
}

/** A URL-safe name for a new leaflet, from its title. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'folder';
}

/** Plain text of a block, for reading aloud (inline marks removed). */
export function plainText(content: BlockContent): string[] {
  const strip = (s: string) =>
    s
      .replace(/\*\*(.+?)\*\*/g, '$1')
      .replace(/\[\[nl:(.+?)\]\]/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
  return [content.title, content.text, ...(content.items ?? []), content.caption].filter((s): s is string => !!s).map(strip);
}
