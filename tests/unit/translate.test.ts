import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseInline } from '~/domain/inline.ts';
import { TRANSLATION_LOCALES } from '~/i18n/locales.ts';
import { type FailureReason, type Translator, TranslationFailed, translatorFrom } from '~/server/translate/index.ts';
import { cutLines, MarkupLost, pieces, protect, restore, type WireFormat } from '~/server/translate/protect.ts';
import { type FakeDeepL, startFakeDeepL } from '../fakes/deepl.ts';
import { type FakeLibreTranslate, startFakeLibreTranslate } from '../fakes/libretranslate.ts';

const SAMPLE = 'Praat met de [[nl:intern begeleider]] over **uw kind**, zie [de site](https://example.nl/a?b=1&c=2).';
const SAMPLE_UPPER = 'PRAAT MET DE [[nl:intern begeleider]] OVER **UW KIND**, ZIE [DE SITE](https://example.nl/a?b=1&c=2).';
const FORMATS: WireFormat[] = ['xml', 'html'];

/** A provider that translates by writing the words outside tags in capitals. */
const upperOutsideTags = (wire: string) =>
  wire
    .split(/(<[^>]*>|&(?:#\w+|\w+);)/)
    .map((part, i) => (i % 2 === 1 ? part : part.toUpperCase()))
    .join('');

async function failure(work: Promise<unknown>): Promise<TranslationFailed> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'the translation should have failed').toBeInstanceOf(TranslationFailed);
  return err as TranslationFailed;
}

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    warnings.push(args.join(' '));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('protecting leaflet markup', () => {
  for (const format of FORMATS) {
    it(`round-trips the marks unchanged through an identity translation (${format})`, () => {
      const p = protect(SAMPLE, format);
      expect(restore(p.wire, p, format)).toBe(SAMPLE);
    });

    it(`keeps the Dutch term and the URL exact when the words around them change (${format})`, () => {
      const p = protect(SAMPLE, format);
      expect(restore(upperOutsideTags(p.wire), p, format)).toBe(SAMPLE_UPPER);
    });

    it(`sends no [[nl: syntax and no URL, and escapes < and & (${format})`, () => {
      const p = protect(`${SAMPLE} En 3 < 4 & 5 > 2.`, format);
      expect(p.wire).not.toContain('[[nl:');
      expect(p.wire).not.toContain('example.nl');
      expect(p.wire).not.toContain('**');
      expect(p.wire).toContain('3 &lt; 4 &amp; 5 &gt; 2');
      expect(restore(p.wire, p, format)).toBe(`${SAMPLE} En 3 < 4 & 5 > 2.`);
    });
  }

  it('gives DeepL an empty placeholder and LibreTranslate the word marked translate="no"', () => {
    expect(protect(SAMPLE, 'xml').wire).toBe('Praat met de <x i="0"/> over <b>uw kind</b>, zie <a i="1">de site</a>.');
    expect(protect(SAMPLE, 'html').wire).toBe(
      'Praat met de <span translate="no" i="0">intern begeleider</span> over <b>uw kind</b>, zie <a i="1">de site</a>.',
    );
  });

  it('keeps a [[nl:…]] inside strong text as written too', () => {
    const line = '**Let op: [[nl:groep 8]] gaat op kamp**';
    const p = protect(line, 'xml');
    expect(p.wire).toBe('<b>Let op: <x i="0"/> gaat op kamp</b>');
    expect(restore(upperOutsideTags(p.wire), p, 'xml')).toBe('**LET OP: [[nl:groep 8]] GAAT OP KAMP**');
  });

  it('accepts what providers legitimately do: marks moved, tags written differently', () => {
    const p = protect(SAMPLE, 'xml');
    // Word order changes: the link before the strong words.
    expect(restore('Zie <a i="1">site</a> over <b>kind</b> met <x i="0"></x>.', p, 'xml')).toBe(
      'Zie [site](https://example.nl/a?b=1&c=2) over **kind** met [[nl:intern begeleider]].',
    );
    expect(restore("A <x i='0' /> B <b>c</b> <a i='1'>d</a>", p, 'xml')).toBe(
      'A [[nl:intern begeleider]] B **c** [d](https://example.nl/a?b=1&c=2)',
    );
    // LibreTranslate unescapes its answer: a `<` of the text comes back bare, and the word in
    // a translate="no" element may come back changed; the Dutch term is restored as written.
    const h = protect('Als 3 < 4 [[nl:juf]] **ja**', 'html');
    expect(restore('If 3 < 4 <span translate="no" i="0">JUF</span> <b>yes</b>', h, 'html')).toBe('If 3 < 4 [[nl:juf]] **yes**');
  });

  it('rejects a translation that lost, repeated or invented a mark', () => {
    const p = protect(SAMPLE, 'xml');
    const broken = [
      'Praat met de over <b>uw kind</b>, zie <a i="1">de site</a>.', // placeholder dropped
      'Praat <x i="0"/> met de <x i="0"/> over <b>uw kind</b>, zie <a i="1">de site</a>.', // repeated
      'Praat met de <x i="7"/> over <b>uw kind</b>, zie <a i="1">de site</a>.', // unknown number
      'Praat met de <x i="1"/> over <b>uw kind</b>, zie <a i="0">de site</a>.', // numbers swapped
      'Praat met de <x i="0"/> over <b>uw kind</b>, zie de site.', // link dropped
      'Praat met de <x i="0"/> over <b>uw kind, zie <a i="1">de site</a>.', // strong not closed
      'Praat met de <x i="0"/> over uw kind, zie <a i="1">de site</a>.', // strong dropped
      'Praat <b>met</b> de <x i="0"/> over <b>uw kind</b>, zie <a i="1">de site</a>.', // strong added
      'Praat met de <x i="0"/> over <b>uw kind</b>, <i>zie</i> <a i="1">de site</a>.', // unknown tag
      'Praat met de over <b>uw kind <x i="0"/></b>, zie <a i="1">de site</a>.', // term moved into strong: it would show as [[nl:…]]
      'Praat met de <x i="0"/> over <b>uw kind</b>, zie <a i="1"></a>.', // empty link: it would show as text
      'Praat met de <x i="0"/> over <b></b>, zie <a i="1">de site</a>.', // empty strong
      'Praat met **de** <x i="0"/> over <b>uw kind</b>, zie <a i="1">de site</a>.', // asterisks that read as a mark
    ];
    for (const wire of broken) expect(() => restore(wire, p, 'xml'), wire).toThrow(MarkupLost);
  });

  it('reads a line as the leaflet renderer does', () => {
    const lines = [
      SAMPLE,
      'Geen opmaak',
      '**a** en **b**',
      `[x](javascript:alert(1)) blijft tekst [[nl:te lang${'x'.repeat(90)}]]`,
      '[[nl:a]][[nl:b]] [mail](mailto:juf@school.nl)',
    ];
    for (const line of lines) {
      const ours = pieces(line).flatMap((p) => {
        if (p.kind === 'text') return [];
        if (p.kind === 'strong') return [`strong:${p.value}`];
        if (p.kind === 'dutch') return [`dutch:${p.term}`];
        return new URL(p.url).protocol === 'javascript:' ? [] : [`link:${p.label}`];
      });
      const theirs = parseInline(line).flatMap((t) =>
        t.type === 'text' ? [] : [t.type === 'strong' ? `strong:${t.value}` : t.type === 'dutch' ? `dutch:${t.value}` : `link:${t.label}`],
      );
      expect(ours, line).toEqual(theirs);
    }
  });

  it('cuts a text into its lines and puts breaks, blank lines and edge spaces back', () => {
    const text = '  Beste ouders,\n\nDe schoolreis is op **vrijdag**. \r\n12:30\n[[nl:Juf Anna]]\n- [[nl:a\nb]] mee';
    const cut = cutLines(text);
    // A time, or a Dutch word alone, has nothing to translate; a term with a break stays whole.
    expect(cut.lines).toEqual(['Beste ouders,', 'De schoolreis is op **vrijdag**.', '- [[nl:a\nb]] mee']);
    expect(cut.join(cut.lines)).toBe(text);
    expect(cut.join(['A', 'B', 'C'])).toBe('  A\n\nB \r\n12:30\n[[nl:Juf Anna]]\nC');
    expect(cutLines('').lines).toEqual([]);
  });
});

describe('settings', () => {
  it('hides the feature when nothing is set (empty values count as unset)', () => {
    expect(translatorFrom({})).toBeNull();
    expect(translatorFrom({ DEEPL_API_KEY: '', LIBRETRANSLATE_URL: ' ' })).toBeNull();
  });

  it('chooses DeepL with a key, LibreTranslate with an address, and DeepL when both are set', () => {
    expect(translatorFrom({ DEEPL_API_KEY: 'k:fx' })?.provider).toBe('deepl');
    expect(translatorFrom({ LIBRETRANSLATE_URL: 'http://translate.school.internal:5000' })?.provider).toBe('libretranslate');
    expect(translatorFrom({ DEEPL_API_KEY: 'k', LIBRETRANSLATE_URL: 'http://localhost:5000' })?.provider).toBe('deepl');
  });

  it('stops with a clear message on half-set or malformed settings', () => {
    expect(() => translatorFrom({ DEEPL_SERVER_URL: 'https://api.deepl.com' })).toThrow(/DEEPL_API_KEY/);
    expect(() => translatorFrom({ LIBRETRANSLATE_API_KEY: 'x' })).toThrow(/LIBRETRANSLATE_URL is not/);
    expect(() => translatorFrom({ LIBRETRANSLATE_URL: 'translate.school.nl' })).toThrow(/LIBRETRANSLATE_URL must be an http\(s\) address/);
    expect(() => translatorFrom({ LIBRETRANSLATE_URL: 'ftp://translate.school.nl' })).toThrow(/LIBRETRANSLATE_URL must be/);
    expect(() => translatorFrom({ DEEPL_API_KEY: 'k', DEEPL_SERVER_URL: 'not a url' })).toThrow(/DEEPL_SERVER_URL must be/);
    expect(() => translatorFrom({ DEEPL_API_KEY: 'k', TRANSLATE_TIMEOUT_MS: 'soon' })).toThrow(/TRANSLATE_TIMEOUT_MS/);
    expect(() => translatorFrom({ DEEPL_API_KEY: 'k', TRANSLATE_TIMEOUT_MS: '0' })).toThrow(/TRANSLATE_TIMEOUT_MS/);
  });
});

/** Failure cases both adapters share: the reason a person is told, and nothing half-done. */
async function expectFailure(translator: Translator, reason: FailureReason, provider: string) {
  const texts = Object.freeze([SAMPLE, 'Tot morgen!']);
  const started = performance.now();
  const err = await failure(translator.translate(texts, 'nl', 'ar'));
  expect(err.reason).toBe(reason);
  expect(texts).toEqual([SAMPLE, 'Tot morgen!']);
  // The log names the provider and the reason, never a text.
  expect(warnings).toEqual([`[portal] machine translation (${provider}, nl → ar) failed: ${reason}`]);
  return performance.now() - started;
}

describe('DeepL adapter (against a local fake of the DeepL API)', () => {
  let fake: FakeDeepL;
  let translator: Translator;
  beforeAll(async () => {
    fake = await startFakeDeepL();
    translator = translatorFrom({ DEEPL_API_KEY: fake.key, DEEPL_SERVER_URL: fake.url, TRANSLATE_TIMEOUT_MS: '300' })!;
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  it('translates with the marks kept, sending only what it must', async () => {
    const out = await translator.translate(Object.freeze([SAMPLE, '', 'Tot morgen!', '  ']), 'nl', 'en');
    expect(out).toEqual([`[en-GB] ${SAMPLE_UPPER}`, '', '[en-GB] TOT MORGEN!', '  ']);

    expect(fake.translations()).toHaveLength(1);
    const [request] = fake.translations();
    expect(request!.headers.authorization).toBe(`DeepL-Auth-Key ${fake.key}`);
    expect(request!.form.get('source_lang')).toBe('nl');
    expect(request!.form.get('target_lang')).toBe('en-GB');
    expect(request!.form.get('tag_handling')).toBe('xml');
    expect(request!.form.get('ignore_tags')).toBe('x');
    expect(request!.form.get('glossary_id')).toBeNull();
    // Empty texts are not sent; the Dutch term and the URL never are.
    expect(request!.form.getAll('text')).toEqual([protect(SAMPLE, 'xml').wire, 'Tot morgen!']);
    expect(request!.body).not.toContain('nl%3A');
    expect(request!.body).not.toContain('intern');
    expect(request!.body).not.toContain('example.nl');
  });

  it('uses DeepL codes for every language and sends nothing for nothing to translate', async () => {
    const codes: Record<string, string> = {};
    for (const locale of TRANSLATION_LOCALES) {
      const [out] = await translator.translate(['Hallo'], 'nl', locale);
      codes[locale] = fake.translations().at(-1)!.form.get('target_lang')!;
      expect(out).toBe(`[${codes[locale]}] HALLO`);
    }
    expect(codes).toEqual({ en: 'en-GB', ar: 'ar', uk: 'uk', pl: 'pl', tr: 'tr' });
    fake.reset();
    expect(await translator.translate(['', '[[nl:Juf Anna]]', '12:30'], 'nl', 'ar')).toEqual(['', '[[nl:Juf Anna]]', '12:30']);
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps line breaks: each line travels on its own', async () => {
    const [out] = await translator.translate(['Beste ouders,\n\nTot **morgen**!'], 'nl', 'pl');
    expect(out).toBe('[pl] BESTE OUDERS,\n\n[pl] TOT **MORGEN**!');
  });

  it('makes a glossary once per language and content, and translates with it', async () => {
    const glossary = [
      { nl: 'leerkracht', target: 'teacher' },
      { nl: 'gesprek', target: 'meeting' },
    ];
    const [out] = await translator.translate(['Een gesprek met de leerkracht'], 'nl', 'en', { glossary });
    expect(out).toBe('[en-GB] EEN meeting MET DE teacher');
    const created = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v3/glossaries');
    expect(created).toHaveLength(1);
    expect(created[0]!.form.get('dictionaries[0].source_lang')).toBe('nl');
    expect(created[0]!.form.get('dictionaries[0].target_lang')).toBe('en');
    expect(created[0]!.form.get('dictionaries[0].entries')).toBe('leerkracht\tteacher\ngesprek\tmeeting');
    const [id] = fake.glossaries.keys();
    expect(fake.translations()[0]!.form.get('glossary_id')).toBe(id);

    // The next translation into English with the same glossary reuses it, without asking DeepL.
    fake.requests.length = 0;
    await translator.translate(['De leerkracht'], 'nl', 'en', { glossary: [...glossary].reverse() });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v2/translate']);
    expect(fake.translations()[0]!.form.get('glossary_id')).toBe(id);

    // Another content, another glossary.
    await translator.translate(['De leerkracht'], 'nl', 'en', { glossary: [{ nl: 'leerkracht', target: 'class teacher' }] });
    expect(fake.glossaries.size).toBe(2);
  });

  it('makes a glossary again when it was deleted in the DeepL account', async () => {
    const glossary = [{ nl: 'directeur', target: 'مدير المدرسة' }];
    await translator.translate(['De directeur'], 'nl', 'ar', { glossary });
    fake.glossaries.clear();
    const [out] = await translator.translate(['De directeur'], 'nl', 'ar', { glossary });
    expect(out).toBe('[ar] DE مدير المدرسة');
    expect(fake.glossaries.size).toBe(1);
  });

  it('translates without a glossary where DeepL keeps none for the language pair, and asks only once', async () => {
    fake.refuseGlossaries = true;
    const glossary = [{ nl: 'gesprek', target: 'görüşme' }];
    expect(await translator.translate(['Het gesprek'], 'nl', 'tr', { glossary })).toEqual(['[tr] HET GESPREK']);
    expect(await translator.translate(['Het gesprek'], 'nl', 'tr', { glossary })).toEqual(['[tr] HET GESPREK']);
    expect(fake.requests.filter((r) => r.path === '/v3/glossaries' && r.method === 'POST')).toHaveLength(1);
    expect(fake.translations().map((r) => r.form.get('glossary_id'))).toEqual([null, null]);
  });

  it('says the quota is used up (456) or the limit is reached (429)', async () => {
    fake.mode = 'quota';
    await expectFailure(translator, 'quota', 'deepl');
    warnings.length = 0;
    fake.mode = 'too-many';
    await expectFailure(translator, 'quota', 'deepl');
    // One try only: the person waiting gets the answer now.
    expect(fake.translations()).toHaveLength(2);
  });

  it('says the key was refused (403)', async () => {
    const wrongKey = translatorFrom({ DEEPL_API_KEY: 'wrong', DEEPL_SERVER_URL: fake.url, TRANSLATE_TIMEOUT_MS: '300' })!;
    await expectFailure(wrongKey, 'refused', 'deepl');
    expect(fake.translations()[0]!.headers.authorization).toBe('DeepL-Auth-Key wrong');
  });

  it('says the service is unavailable on server errors (500, 503) or when nothing listens', async () => {
    fake.mode = 'error';
    await expectFailure(translator, 'unavailable', 'deepl');
    warnings.length = 0;
    fake.mode = 'unavailable';
    await expectFailure(translator, 'unavailable', 'deepl');
    warnings.length = 0;
    const closed = await startFakeDeepL();
    await closed.close();
    const nowhere = translatorFrom({ DEEPL_API_KEY: 'k', DEEPL_SERVER_URL: closed.url, TRANSLATE_TIMEOUT_MS: '300' })!;
    await expectFailure(nowhere, 'unavailable', 'deepl');
  });

  it('says the language is not supported (400)', async () => {
    fake.mode = 'bad-request';
    await expectFailure(translator, 'unsupported', 'deepl');
  });

  it('gives up after the time limit when DeepL does not answer', async () => {
    fake.mode = 'slow';
    const ms = await expectFailure(translator, 'timeout', 'deepl');
    expect(ms).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(900);
  });

  it('rejects a translation that lost a placeholder, naming the text', async () => {
    fake.mode = 'mangled';
    const err = await failure(translator.translate(['Tot morgen!', SAMPLE], 'nl', 'uk'));
    expect(err.reason).toBe('refused');
    expect(err.index).toBe(1);
    expect(warnings.join('\n')).not.toMatch(/morgen|Praat|begeleider/i);
  });
});

describe('LibreTranslate adapter (against a local fake LibreTranslate server)', () => {
  let fake: FakeLibreTranslate;
  let translator: Translator;
  beforeAll(async () => {
    fake = await startFakeLibreTranslate({ apiKey: 'school-key' });
    translator = translatorFrom({ LIBRETRANSLATE_URL: `${fake.url}/`, LIBRETRANSLATE_API_KEY: 'school-key', TRANSLATE_TIMEOUT_MS: '300' })!;
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  it('translates with the marks kept, in one JSON request, the glossary not sent', async () => {
    const texts = Object.freeze([SAMPLE, '', 'Let op: 3 < 4 & 5 > 2.']);
    const out = await translator.translate(texts, 'nl', 'ar', { glossary: [{ nl: 'leerkracht', target: 'المعلّم' }] });
    expect(out).toEqual([`[ar] ${SAMPLE_UPPER}`, '', '[ar] LET OP: 3 < 4 & 5 > 2.']);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.path).toBe('/translate');
    expect(request!.json).toEqual({
      q: [protect(SAMPLE, 'html').wire, 'Let op: 3 &lt; 4 &amp; 5 &gt; 2.'],
      source: 'nl',
      target: 'ar',
      format: 'html',
      api_key: 'school-key',
    });
    // The Dutch term goes only inside translate="no"; the URL and the marks' syntax never go.
    expect(request!.body).not.toContain('[[nl:');
    expect(request!.body).not.toContain('example.nl');
    expect(request!.body.replace(/<span translate=\\"no\\" i=\\"\d+\\">[^<]*<\/span>/g, '')).not.toContain('intern begeleider');
  });

  it('uses its own language codes for every language', async () => {
    for (const locale of TRANSLATION_LOCALES) {
      expect(await translator.translate(['Hallo'], 'nl', locale)).toEqual([`[${locale}] HALLO`]);
    }
    expect(fake.requests.map((r) => r.json?.target)).toEqual([...TRANSLATION_LOCALES]);
  });

  it('keeps line breaks, which its HTML mode would fold', async () => {
    const [out] = await translator.translate(['Beste ouders,\n\nTot **morgen**!'], 'nl', 'tr');
    expect(out).toBe('[tr] BESTE OUDERS,\n\n[tr] TOT **MORGEN**!');
  });

  it('says the key was refused: missing (400) or wrong (403), or this address banned (403)', async () => {
    const noKey = translatorFrom({ LIBRETRANSLATE_URL: fake.url, TRANSLATE_TIMEOUT_MS: '300' })!;
    await expectFailure(noKey, 'refused', 'libretranslate');
    warnings.length = 0;
    const wrongKey = translatorFrom({ LIBRETRANSLATE_URL: fake.url, LIBRETRANSLATE_API_KEY: 'nope', TRANSLATE_TIMEOUT_MS: '300' })!;
    await expectFailure(wrongKey, 'refused', 'libretranslate');
    warnings.length = 0;
    fake.mode = 'refused';
    await expectFailure(translator, 'refused', 'libretranslate');
  });

  it("says the server's limit is reached (429)", async () => {
    fake.mode = 'quota';
    await expectFailure(translator, 'quota', 'libretranslate');
  });

  it('says a language the server has no model for is not supported (400)', async () => {
    fake.languages.delete('ar');
    await expectFailure(translator, 'unsupported', 'libretranslate');
  });

  it('says the service is unavailable on a server error, a web page instead of JSON, or nothing listening', async () => {
    fake.mode = 'error';
    await expectFailure(translator, 'unavailable', 'libretranslate');
    warnings.length = 0;
    fake.mode = 'garbage';
    await expectFailure(translator, 'unavailable', 'libretranslate');
    warnings.length = 0;
    const closed = await startFakeLibreTranslate();
    await closed.close();
    const nowhere = translatorFrom({ LIBRETRANSLATE_URL: closed.url, TRANSLATE_TIMEOUT_MS: '300' })!;
    await expectFailure(nowhere, 'unavailable', 'libretranslate');
  });

  it('gives up after the time limit when the server does not answer', async () => {
    fake.mode = 'slow';
    const ms = await expectFailure(translator, 'timeout', 'libretranslate');
    expect(ms).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(900);
  });

  it('rejects a translation that lost a translate="no" element, naming the text', async () => {
    fake.mode = 'mangled';
    const err = await failure(translator.translate(['Tot morgen!', '', SAMPLE], 'nl', 'pl'));
    expect(err.reason).toBe('refused');
    expect(err.index).toBe(2);
  });
});
