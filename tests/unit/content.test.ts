import { describe, expect, it } from 'vitest';
import { plainText, TRANSLATION_LOCALES } from '~/domain/leaflets.ts';
import { canonicalLeaflets, TEMPLATE_ORDER } from '~/server/templates.ts';

/** The canonical leaflets: valid, complete in six languages, the right length, and clean. */
const leaflets = canonicalLeaflets();
const words = (texts: string[]) => texts.join(' ').split(/\s+/).filter(Boolean).length;
const textsOf = (content: Record<string, unknown>) => plainText(content as never);

describe('canonical leaflets', () => {
  it('cover the seven topics, in order', () => {
    expect(leaflets.map((l) => l.slug)).toEqual([...TEMPLATE_ORDER]);
  });

  for (const leaflet of leaflets) {
    describe(leaflet.slug, () => {
      it('has 300 to 700 Dutch words, a title first, and what-you-can-do and questions blocks', () => {
        const n = words(leaflet.blocks.flatMap((b) => textsOf(b.nl)));
        expect(n).toBeGreaterThanOrEqual(300);
        expect(n).toBeLessThanOrEqual(700);
        expect(leaflet.blocks[0]?.kind).toBe('title');
        expect(leaflet.blocks.some((b) => b.kind === 'tomorrow')).toBe(true);
        expect(leaflet.blocks.some((b) => b.kind === 'questions')).toBe(true);
      });

      it.each(TRANSLATION_LOCALES)('is translated into %s, block for block, list item for list item', (locale) => {
        for (const block of leaflet.blocks) {
          const tr = block.tr[locale];
          expect(tr, `${block.key} in ${locale}`).toBeDefined();
          expect(Object.keys(tr!).sort(), block.key).toEqual(Object.keys(block.nl).sort());
          if (Array.isArray(block.nl.items)) expect((tr!.items as string[]).length, block.key).toBe(block.nl.items.length);
        }
        const n = words(leaflet.blocks.flatMap((b) => textsOf(b.tr[locale]!)));
        // Arabic and Turkish pack words together; none of them should be a summary.
        expect(n).toBeGreaterThan(0.6 * words(leaflet.blocks.flatMap((b) => textsOf(b.nl))));
      });

      it.each(['ar', 'uk'] as const)('has no Latin-script words in %s except Dutch terms marked [[nl:…]]', (locale) => {
        for (const block of leaflet.blocks) {
          for (const text of Object.values(block.tr[locale]!).flat() as string[]) {
            const unmarked = text.replace(/\[\[nl:[^\]]+\]\]/g, '').replace(/\]\([^)]+\)/g, ']');
            expect(unmarked, `${block.key}: ${text}`).not.toMatch(/[A-Za-z]{2,}/);
          }
        }
      });

      it('keeps Dutch school words marked wherever a translation keeps them', () => {
        for (const block of leaflet.blocks) {
          for (const locale of TRANSLATION_LOCALES) {
            const joined = (Object.values(block.tr[locale]!).flat() as string[]).join(' ');
            const bare = joined.replace(/\[\[nl:[^\]]+\]\]/g, '');
            expect(bare, `${block.key} (${locale})`).not.toMatch(/intern begeleider/i);
          }
        }
      });
    });
  }
});
