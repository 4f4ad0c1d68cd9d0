import { BLOCK_KINDS, parseBlockContent, TRANSLATION_LOCALES, type BlockKind } from '~/domain/leaflets.ts';
import { createHash } from 'node:crypto';
import type { Db } from './port.ts';

/**
 * The canonical leaflets in src/content become templates in the database: at start-up the
 * server syncs each one whose version in the database is older than in the content folder.
 */
interface SourceBlock {
  key: string;
  kind: BlockKind;
  [field: string]: unknown;
}
interface SourceLeaflet {
  slug: string;
  version: number;
  blocks: SourceBlock[];
}

const sources = import.meta.glob<SourceLeaflet>('../content/leaflets/*/nl.json', { eager: true, import: 'default' });
const translations = import.meta.glob<{ blocks: Record<string, Record<string, unknown>> }>('../content/leaflets/*/*.json', {
  eager: true,
  import: 'default',
});

/** The order parents meet them in: from "what HGW means" to "your child has a say". */
export const TEMPLATE_ORDER = [
  'samen-voor-uw-kind',
  'leren-begint-thuis',
  'betrokken-bij-school',
  'hoge-verwachtingen',
  'gesprekken-op-school',
  'extra-ondersteuning',
  'uw-kind-praat-mee',
] as const;

export interface CanonicalBlock {
  key: string;
  kind: BlockKind;
  nl: Record<string, unknown>;
  tr: Record<string, Record<string, unknown>>;
}

export interface CanonicalLeaflet {
  slug: string;
  version: number;
  position: number;
  blocks: CanonicalBlock[];
}

const contentOf = ({ key: _key, kind: _kind, ...rest }: SourceBlock) => rest;

/** Every canonical leaflet with its translations, validated as the database will validate them. */
export function canonicalLeaflets(): CanonicalLeaflet[] {
  return Object.entries(sources)
    .map(([path, source]) => {
      const folder = path.slice(0, -'nl.json'.length);
      const blocks = source.blocks.map((block) => {
        if (!BLOCK_KINDS.includes(block.kind)) throw new Error(`${source.slug}/${block.key}: unknown kind ${block.kind}`);
        const nl = parseBlockContent(block.kind, contentOf(block));
        if (!nl.success) throw new Error(`${source.slug}/${block.key} (nl): ${nl.error.issues[0]?.message}`);
        const tr: Record<string, Record<string, unknown>> = {};
        for (const locale of TRANSLATION_LOCALES) {
          const content = translations[`${folder}${locale}.json`]?.blocks[block.key];
          if (!content) continue;
          const parsed = parseBlockContent(block.kind, content);
          if (!parsed.success) throw new Error(`${source.slug}/${block.key} (${locale}): ${parsed.error.issues[0]?.message}`);
          tr[locale] = parsed.data as Record<string, unknown>;
        }
        return { key: block.key, kind: block.kind, nl: nl.data as Record<string, unknown>, tr };
      });
      const order = TEMPLATE_ORDER.indexOf(source.slug as (typeof TEMPLATE_ORDER)[number]);
      return { slug: source.slug, version: source.version, position: order === -1 ? 100 : order, blocks };
    })
    .sort((a, b) => a.position - b.position);
}

/**
 * A key of the content folder's leaflets as they are (sources and translations): a start that
 * synced this very content needs not sync it again (see embedded/start-keys.ts).
 */
export function templatesContentKey(): string {
  const hash = createHash('sha256');
  for (const [path, value] of Object.entries(translations).sort(([a], [b]) => a.localeCompare(b)))
    hash.update(`${path}\0${JSON.stringify(value)}\0`);
  for (const [path, value] of Object.entries(sources).sort(([a], [b]) => a.localeCompare(b)))
    hash.update(`${path}\0${JSON.stringify(value)}\0`);
  hash.update(TEMPLATE_ORDER.join(','));
  return hash.digest('hex');
}

export async function syncTemplates(admin: Db): Promise<number> {
  let updated = 0;
  for (const leaflet of canonicalLeaflets()) {
    const result = await admin.rpc('sync_template', {
      p_slug: leaflet.slug,
      p_version: leaflet.version,
      p_position: leaflet.position,
      p_blocks: leaflet.blocks as unknown as Record<string, unknown>[],
    });
    if (result === 'updated') updated++;
  }
  return updated;
}
