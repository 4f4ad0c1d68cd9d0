import { MACHINE_GLOSSARY } from '~/domain/glossary.ts';
import { changedBlocks, contentWithTexts, parseBlockContent, textsOfContent, type TranslationLocale } from '~/domain/leaflets.ts';
import type { EditorBlock } from '~/domain/rpc/index.ts';
import { type Translator, translatorFrom } from './translate/index.ts';

/**
 * Machine translation of a leaflet's changed blocks: the blocks whose translation into a
 * language is missing or made from an older Dutch text go to the configured translator (DeepL
 * or a LibreTranslate server, see ./translate) in one request per language; what comes back is
 * saved as "machine translation, not checked" until a person approves it. The Dutch is never
 * touched: a failed translation leaves the leaflet as it was.
 */

let chosen: { translator: Translator | null } | null = null;

/** The translator the settings choose (DEEPL_API_KEY or LIBRETRANSLATE_URL), or null: the feature is hidden. */
export function machineTranslator(): Translator | null {
  chosen ??= { translator: translatorFrom(process.env) };
  return chosen.translator;
}

export interface MachineItem {
  block: string;
  /** The Dutch version the translation was made from. */
  v: number;
  content: Record<string, unknown>;
}

/**
 * Translations of the changed blocks into one language. A block whose translation does not fit
 * its kind's limits (a list item grown too long) is left out, still outdated, and counted.
 */
export async function translateChangedBlocks(
  translator: Translator,
  blocks: readonly EditorBlock[],
  locale: TranslationLocale,
): Promise<{ items: MachineItem[]; skipped: number }> {
  const changed = changedBlocks(blocks, locale);
  const texts = changed.map((b) => textsOfContent(b.kind, b.nl));
  const flat = texts.flat();
  if (flat.length === 0) return { items: [], skipped: 0 };
  const out = await translator.translate(flat, 'nl', locale, { glossary: MACHINE_GLOSSARY[locale] });
  const items: MachineItem[] = [];
  let skipped = 0;
  let next = 0;
  changed.forEach((block, n) => {
    const count = texts[n]!.length;
    const content = contentWithTexts(block.kind, block.nl, out.slice(next, next + count));
    next += count;
    if (parseBlockContent(block.kind, content).success) items.push({ block: block.id, v: block.v, content });
    else skipped++;
  });
  return { items, skipped };
}
