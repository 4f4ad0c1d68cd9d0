import { describe, expect, it } from 'vitest';
import { parseInline } from '~/domain/inline.ts';
import { leafletSummary } from '~/domain/reader.ts';
import {
  type BlockVersions,
  contentFromForm,
  normalizeText,
  parseBlockContent,
  slugify,
  summarizeTranslations,
  translationStatus,
} from '~/domain/leaflets.ts';

describe('translation status is decided by versions', () => {
  it('current when made from the block’s version, outdated when older, missing when absent', () => {
    expect(translationStatus(3, 3)).toBe('current');
    expect(translationStatus(3, 2)).toBe('outdated');
    expect(translationStatus(3, undefined)).toBe('missing');
    expect(translationStatus(1, null)).toBe('missing');
  });

  it('counts per language, with unreviewed machine translations apart', () => {
    const summary = summarizeTranslations([
      { v: 2, tr: { en: { v: 2, o: 'school', r: '2026-01-01' }, ar: { v: 1, o: 'template' } } },
      { v: 1, tr: { en: { v: 1, o: 'machine', r: null }, ar: { v: 1, o: 'template' } } },
    ]);
    expect(summary.en).toEqual({ current: 2, outdated: 0, missing: 0, machine: 1 });
    expect(summary.ar).toEqual({ current: 1, outdated: 1, missing: 0, machine: 0 });
    expect(summary.pl).toEqual({ current: 0, outdated: 0, missing: 2, machine: 0 });
  });
});

describe('block content', () => {
  it('normalises text: NFC, single spaces, no control or bidi override characters', () => {
    expect(normalizeText('  Lees   elke dag\nsamen \u202Eevil\u202C ')).toBe('Lees elke dag samen evil');
    expect(normalizeText('e\u0301')).toBe('é');
    // Right-to-left marks are kept: Arabic text needs them.
    expect(normalizeText('\u200Fمرحبا')).toBe('\u200Fمرحبا');
  });

  it('accepts exactly the fields of a kind, within limits', () => {
    expect(parseBlockContent('paragraph', { text: 'Hallo' }).success).toBe(true);
    expect(parseBlockContent('paragraph', { text: '' }).success).toBe(false);
    expect(parseBlockContent('paragraph', { text: 'x'.repeat(2001) }).success).toBe(false);
    expect(parseBlockContent('paragraph', { text: 'Hallo', html: '<b>' }).success).toBe(false);
    expect(parseBlockContent('tips', { title: 'Tips', items: [] }).success).toBe(false);
    expect(parseBlockContent('tips', { title: 'Tips', items: Array(13).fill('x') }).success).toBe(false);
    expect(parseBlockContent('image', { alt: '' }).success).toBe(false);
    expect(parseBlockContent('image', { alt: 'Een kind leest', caption: 'In de bieb' }).success).toBe(true);
  });

  it('reads list fields one item per line, without bullets or empty lines', () => {
    expect(contentFromForm('tips', { title: 'Tips', items: '- een\n\n• twee\r\n* drie ' })).toEqual({
      title: 'Tips',
      items: ['een', 'twee', 'drie '],
    });
  });

  it('makes URL-safe names', () => {
    expect(slugify('Wanneer zijn de gesprekken?')).toBe('wanneer-zijn-de-gesprekken');
    expect(slugify('Één café')).toBe('een-cafe');
    expect(slugify('العربية')).toBe('folder');
  });
});

describe('inline whitelist', () => {
  it('renders strong, Dutch terms and safe links', () => {
    expect(parseInline('Je kunt het **nog** niet, vraag de [[nl:intern begeleider]] of kijk op [de site](https://example.org/a).')).toEqual(
      [
        { type: 'text', value: 'Je kunt het ' },
        { type: 'strong', value: 'nog' },
        { type: 'text', value: ' niet, vraag de ' },
        { type: 'dutch', value: 'intern begeleider' },
        { type: 'text', value: ' of kijk op ' },
        { type: 'link', label: 'de site', href: 'https://example.org/a' },
        { type: 'text', value: '.' },
      ],
    );
  });

  it('leaves javascript:, data: and plain http links as text', () => {
    for (const href of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'http://example.org', 'JaVaScRiPt:alert(1)']) {
      const tokens = parseInline(`[klik](${href})`);
      expect(
        tokens.every((t) => t.type === 'text'),
        href,
      ).toBe(true);
    }
  });

  it('keeps HTML as text', () => {
    expect(parseInline('<script>alert(1)</script><img src=x onerror=alert(1)>')).toEqual([
      { type: 'text', value: '<script>alert(1)</script><img src=x onerror=alert(1)>' },
    ]);
  });
});

describe('what a reader sees', async () => {
  const { readerBlocks, originsShown } = await import('~/domain/reader.ts');
  const block = (v: number, tr: Record<string, { v: number; o: 'template' | 'school' | 'machine'; r?: string | null }>) => ({
    key: 'k',
    kind: 'paragraph' as const,
    image: null,
    nl: { text: 'Nederlands' },
    v,
    tr: Object.fromEntries(Object.entries(tr).map(([l, t]) => [l, { c: { text: `in ${l}` }, v: t.v, o: t.o, r: t.r ?? null }])),
  });

  it('shows a current translation in the reader’s language with its origin', () => {
    const [b] = readerBlocks([block(2, { ar: { v: 2, o: 'school', r: '2026-11-01' } })], 'ar');
    expect(b).toMatchObject({ content: { text: 'in ar' }, lang: 'ar', fallback: null, origin: 'school' });
  });

  it('keeps the reader’s language when the Dutch changed, with the new Dutch to show', () => {
    const [outdated] = readerBlocks([block(3, { ar: { v: 2, o: 'template' } })], 'ar');
    expect(outdated).toMatchObject({ content: { text: 'in ar' }, lang: 'ar', fallback: null, origin: 'template' });
    expect(outdated?.changedDutch).toEqual({ text: 'Nederlands' });
    const [current] = readerBlocks([block(2, { ar: { v: 2, o: 'template' } })], 'ar');
    expect(current?.changedDutch).toBeNull();
  });

  it('shows Dutch, marked, only where there is no translation at all', () => {
    const [missing] = readerBlocks([block(1, {})], 'uk');
    expect(missing).toMatchObject({ content: { text: 'Nederlands' }, lang: 'nl', fallback: 'missing' });
  });

  it('labels the leaflet truthfully: who translated, what changed since, what is missing', () => {
    const blocks = readerBlocks([block(3, { pl: { v: 2, o: 'template' } }), block(1, { pl: { v: 1, o: 'school' } }), block(1, {})], 'pl');
    expect(originsShown(blocks)).toEqual(['template', 'school', 'changed', 'missing']);
    expect(originsShown(readerBlocks([block(1, { pl: { v: 1, o: 'template' } })], 'pl'))).toEqual(['template']);
  });

  it('labels machine translations, reviewed or not', () => {
    const blocks = readerBlocks(
      [block(1, { tr: { v: 1, o: 'machine' } }), block(1, { tr: { v: 1, o: 'machine', r: '2026-11-20' } })],
      'tr',
    );
    expect(blocks.map((b) => b.origin)).toEqual(['machine', 'machine-reviewed']);
    expect(originsShown(blocks)).toEqual(['machine-reviewed', 'machine']);
  });
});

describe('a payload corpus in every text field of every kind', () => {
  const corpus = [
    '<script>alert("x")</script>',
    '<img src=x onerror=alert(1)>',
    '[klik](javascript:alert(1))',
    '<iframe src="https://example.org"></iframe>',
    '<svg><script>alert(1)</script></svg>',
    '\u202Eevil',
  ];
  const fields: Record<string, Record<string, unknown>> = {
    title: { text: '' },
    heading: { text: '' },
    paragraph: { text: '' },
    contact: { text: '' },
    image: { alt: '', caption: '' },
    tips: { title: '', items: [] },
    tomorrow: { items: [] },
    questions: { items: [] },
  };

  it.each(Object.keys(fields))('%s: stored as the same text (bidi controls removed), never as markup', (kind) => {
    for (const payload of corpus) {
      const content = Object.fromEntries(
        Object.entries(fields[kind]!).map(([f, v]) => [f, Array.isArray(v) ? [payload, payload] : payload]),
      );
      const parsed = parseBlockContent(kind as never, content);
      expect(parsed.success, `${kind}: ${payload}`).toBe(true);
      const expected = payload.replace('\u202E', '');
      for (const value of Object.values(parsed.data as Record<string, unknown>).flat()) expect(value).toBe(expected);
      // Rendered, every token is text (or a safe link, which these are not).
      for (const value of Object.values(parsed.data as Record<string, unknown>).flat()) {
        expect(parseInline(String(value)).every((t) => t.type === 'text')).toBe(true);
      }
    }
  });
});

describe('translation work', async () => {
  const { textsOfContent, contentWithTexts, publishWarnings, changedBlocks } = await import('~/domain/leaflets.ts');
  const { isolateDutchTerms } = await import('~/i18n/bidi.ts');
  const { quoteTyped } = await import('~/domain/text.ts');

  it('a block’s texts go to the machine one by one and come back into the same places', () => {
    const tips = { title: 'Thuis', items: ['Lees voor', 'Vraag naar school'] };
    const texts = textsOfContent('tips', tips);
    expect(texts).toEqual(['Thuis', 'Lees voor', 'Vraag naar school']);
    expect(
      contentWithTexts(
        'tips',
        tips,
        texts.map((t) => t.toUpperCase()),
      ),
    ).toEqual({ title: 'THUIS', items: ['LEES VOOR', 'VRAAG NAAR SCHOOL'] });
    expect(textsOfContent('image', { alt: 'Een klas' })).toEqual(['Een klas']);
  });

  it('changed blocks: missing or made from an older Dutch text, per language', () => {
    const blocks: BlockVersions[] = [
      { v: 2, tr: { ar: { v: 1 }, pl: { v: 2 } } },
      { v: 1, tr: { ar: { v: 1 } } },
    ];
    expect(changedBlocks(blocks, 'ar')).toEqual([blocks[0]]);
    expect(changedBlocks(blocks, 'pl')).toEqual([blocks[1]]);
  });

  it('publishing warns per language about outdated, missing and unchecked parts, and not when all is current', () => {
    const blocks: BlockVersions[] = [
      { v: 2, tr: { ar: { v: 1 }, en: { v: 2 }, uk: { v: 2 }, pl: { v: 2, o: 'machine', r: null }, tr: { v: 2 } } },
      { v: 1, tr: { ar: { v: 1 }, en: { v: 1 }, uk: { v: 1 }, pl: { v: 1 } } },
    ];
    expect(publishWarnings(blocks)).toEqual([
      { locale: 'ar', outdated: 1, missing: 0, unchecked: 0 },
      { locale: 'pl', outdated: 0, missing: 0, unchecked: 1 },
      { locale: 'tr', outdated: 0, missing: 1, unchecked: 0 },
    ]);
    expect(publishWarnings([{ v: 1, tr: { en: { v: 1 }, ar: { v: 1 }, uk: { v: 1 }, pl: { v: 1 }, tr: { v: 1 } } }])).toEqual([]);
  });

  it('Dutch terms are isolated left to right in an Arabic edit box, once, and saving removes the marks', async () => {
    const { normalizeText } = await import('~/domain/leaflets.ts');
    const typed = 'تحدّث مع [[nl:intern begeleider]] عن طفلك.';
    const shown = isolateDutchTerms(typed);
    expect(shown).toBe('تحدّث مع \u2066[[nl:intern begeleider]]\u2069 عن طفلك.');
    expect(isolateDutchTerms(shown)).toBe(shown);
    expect(normalizeText(shown)).toBe(typed);
  });

  it('typed text quoted back in a message is shortened', () => {
    expect(quoteTyped('Fatima')).toBe('Fatima');
    const long = quoteTyped('Zeynep'.repeat(50));
    expect(Array.from(long)).toHaveLength(30);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('a leaflet card’s one-line summary', () => {
  it('is the first sentence of the first paragraph', () => {
    expect(leafletSummary('Kinderen leren niet alleen op school. Ook thuis gebeurt veel.')).toBe('Kinderen leren niet alleen op school.');
    expect(leafletSummary('هل تريد أن تعرف المزيد؟ اسأل المعلم.')).toBe('هل تريد أن تعرف المزيد؟');
  });
  it('is cut at a word, with an ellipsis, when the sentence is long, and never inside a mark', () => {
    const long = `${'woord '.repeat(30)}einde.`;
    const cut = leafletSummary(long, 50);
    expect(cut.endsWith('woord…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(51);
    const marked = leafletSummary(`Vraag het aan de ${'heel '.repeat(8)}[[nl:intern begeleider]] van de school vandaag nog.`, 60);
    expect(marked).not.toContain('[[');
    expect(leafletSummary('Praat met de [[nl:leerkracht. Echt]] nu. Daarna meer.')).toBe('Praat met de [[nl:leerkracht. Echt]] nu.');
  });
});
