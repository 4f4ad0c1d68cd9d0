import { translationStatus, type BlockContent, type BlockKind } from './leaflets.ts';

/**
 * What a reader sees of each block in their language: the current translation, or else the
 * Dutch source, marked as such (lang="nl" and a note) — never a blank, never an unmarked mix.
 */
export interface SnapshotLikeBlock {
  key: string;
  kind: BlockKind;
  image: { path: string; width: number; height: number } | null;
  nl: Record<string, unknown>;
  v: number;
  tr: Record<string, { c: Record<string, unknown>; v: number; o: 'template' | 'school' | 'machine'; r: string | null }>;
}

export type Origin = 'template' | 'school' | 'machine' | 'machine-reviewed' | 'source';

export interface ReaderBlock {
  key: string;
  kind: BlockKind;
  image: SnapshotLikeBlock['image'];
  content: BlockContent;
  /** The language the content is in: the reader's, or Dutch. */
  lang: string;
  /** Why Dutch is shown instead of the reader's language, if it is. */
  fallback: 'outdated' | 'missing' | null;
  origin: Origin;
  reviewedAt: string | null;
}

export function readerBlocks(blocks: readonly SnapshotLikeBlock[], lang: string): ReaderBlock[] {
  return blocks.map((block) => {
    const base = { key: block.key, kind: block.kind, image: block.image };
    if (lang === 'nl') {
      return { ...base, content: block.nl as BlockContent, lang: 'nl', fallback: null, origin: 'source', reviewedAt: null };
    }
    const tr = block.tr[lang];
    const status = translationStatus(block.v, tr?.v);
    if (!tr || status !== 'current') {
      return {
        ...base,
        content: block.nl as BlockContent,
        lang: 'nl',
        fallback: status === 'outdated' ? 'outdated' : 'missing',
        origin: 'source',
        reviewedAt: null,
      };
    }
    const origin: Origin = tr.o === 'machine' ? (tr.r ? 'machine-reviewed' : 'machine') : tr.o;
    return { ...base, content: tr.c as BlockContent, lang, fallback: null, origin, reviewedAt: tr.r };
  });
}

/** The origins shown on a leaflet in a language, for the labels at its top. */
export function originsShown(blocks: readonly ReaderBlock[]): Origin[] {
  const order: Origin[] = ['template', 'school', 'machine-reviewed', 'machine'];
  const seen = new Set(blocks.filter((b) => !b.fallback && b.origin !== 'source').map((b) => b.origin));
  return order.filter((o) => seen.has(o));
}

/** The title of a leaflet in a language (or Dutch, flagged), from its first block. */
export function titleIn(block: SnapshotLikeBlock | null | undefined, lang: string): { text: string; lang: string } {
  if (!block) return { text: '', lang: 'nl' };
  const [view] = readerBlocks([block], lang);
  return { text: String(view?.content.text ?? ''), lang: view?.lang ?? 'nl' };
}
