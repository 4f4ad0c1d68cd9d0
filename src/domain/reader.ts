import { translationStatus, type BlockContent, type BlockKind } from './leaflets.ts';

/**
 * What a reader sees of each block in their language: its translation — also one made from an
 * older Dutch text, marked as such with the new Dutch a tap away, so a school's edit never takes
 * a parent's language away — or, only when there is no translation at all, the Dutch source,
 * marked as such (lang="nl" and a note). Never a blank, never an unmarked mix.
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
  /** Why Dutch is shown instead of the reader's language, if it is: no translation yet. */
  fallback: 'missing' | null;
  /** The Dutch changed since this translation was made: the new Dutch, to show on request. */
  changedDutch: BlockContent | null;
  origin: Origin;
  reviewedAt: string | null;
}

export function readerBlocks(blocks: readonly SnapshotLikeBlock[], lang: string): ReaderBlock[] {
  return blocks.map((block) => {
    const base = { key: block.key, kind: block.kind, image: block.image };
    const dutch = {
      ...base,
      content: block.nl as BlockContent,
      lang: 'nl',
      changedDutch: null,
      origin: 'source' as const,
      reviewedAt: null,
    };
    if (lang === 'nl') return { ...dutch, fallback: null };
    const tr = block.tr[lang];
    if (!tr) return { ...dutch, fallback: 'missing' };
    const outdated = translationStatus(block.v, tr.v) === 'outdated';
    const origin: Origin = tr.o === 'machine' ? (tr.r ? 'machine-reviewed' : 'machine') : tr.o;
    return {
      ...base,
      content: tr.c as BlockContent,
      lang,
      fallback: null,
      changedDutch: outdated ? (block.nl as BlockContent) : null,
      origin,
      reviewedAt: tr.r,
    };
  });
}

/** What a leaflet's footer says of where its text in a language comes from. */
export type OriginLabel = Exclude<Origin, 'source'> | 'changed' | 'missing';

/**
 * The labels for a leaflet in a language, true of the version shown: who made its translations,
 * and whether some parts changed in Dutch since, or are not translated yet.
 */
export function originsShown(blocks: readonly ReaderBlock[]): OriginLabel[] {
  const order: OriginLabel[] = ['template', 'school', 'machine-reviewed', 'machine', 'changed', 'missing'];
  const seen = new Set<OriginLabel>();
  for (const b of blocks) {
    if (b.fallback) seen.add('missing');
    else if (b.origin !== 'source') seen.add(b.origin);
    if (b.changedDutch) seen.add('changed');
  }
  return order.filter((o) => seen.has(o));
}

/** The title of a leaflet in a language (or Dutch, flagged), from its first block. */
export function titleIn(block: SnapshotLikeBlock | null | undefined, lang: string): { text: string; lang: string } {
  if (!block) return { text: '', lang: 'nl' };
  const [view] = readerBlocks([block], lang);
  return { text: String(view?.content.text ?? ''), lang: view?.lang ?? 'nl' };
}

/**
 * A leaflet's one-line summary for its card: the first sentence of its first paragraph, cut at a
 * word (with an ellipsis) when it is longer than `max` characters. Inline marks stay whole.
 */
export function leafletSummary(text: string, max = 110): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = /[.!?؟。](?=\s|$)/.exec(flat.replace(/\[\[[^\]]*\]\]/g, (m) => 'x'.repeat(m.length)));
  const sentence = end ? flat.slice(0, end.index + 1) : flat;
  if (sentence.length <= max) return sentence;
  let cut = sentence.slice(0, max);
  // Never cut inside a mark ([[nl:…]] or **…**): stop before it.
  const open = cut.lastIndexOf('[[');
  if (open > cut.lastIndexOf(']]')) cut = cut.slice(0, open);
  if ((cut.match(/\*\*/g)?.length ?? 0) % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('**'));
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:–-]+$/, '')}…`;
}
