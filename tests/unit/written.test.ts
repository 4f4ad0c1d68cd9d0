import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RpcArgs, RpcName, RpcResult } from '~/domain/rpc/index.ts';
import { writtenLanguage } from '~/domain/written.ts';
import type { Db } from '~/server/port.ts';
import { type Translator, TranslationFailed, translatorFrom } from '~/server/translate/index.ts';
import { protect, restore } from '~/server/translate/protect.ts';
import { readWritten, textHash, translationStatus, type WrittenItem, writtenTranslationOn } from '~/server/written-translation.ts';
import { type FakeLibreTranslate, startFakeLibreTranslate } from '../fakes/libretranslate.ts';

/**
 * What people write, and its translation (issue 19): the language a text is in comes from what
 * the writer chose or typed, never assumed; plain text goes to the machine as typed; the service
 * reads stored translations first, asks the machine once per text version and language (also for
 * two pages at the same moment), never makes a page wait past its limit, says honestly when no
 * machine is set up or it failed, and does not ask again right after a failure.
 */

describe('the language of what someone wrote', () => {
  it('comes from the letters when they say it: Arabic script is Arabic, Cyrillic Ukrainian', () => {
    expect(writtenLanguage('يحب كرة القدم ويساعد أخته الصغيرة.')).toBe('ar');
    expect(writtenLanguage('Він любить читати.', { chosen: 'pl' })).toBe('uk');
  });
  it('follows the writer’s choice when the letters fit it, and not when they do not', () => {
    expect(writtenLanguage('Zosia lubi czytać.', { chosen: 'pl' })).toBe('pl');
    expect(writtenLanguage('Hij leest elke dag thuis.', { chosen: 'tr' })).toBe('tr');
    // Chose Arabic, typed Dutch: the letters win.
    expect(writtenLanguage('Hij leest elke dag thuis, ook in het Arabisch.', { chosen: 'ar' })).toBe('nl');
  });
  it('tells the Latin-script languages apart by their words and letters', () => {
    expect(writtenLanguage('Yusuf leest thuis elke dag tien minuten.')).toBe('nl');
    expect(writtenLanguage('The teacher listened to me and that was good.')).toBe('en');
    expect(writtenLanguage('Dziękuję, że nauczyciel mnie wysłuchał.')).toBe('pl');
    expect(writtenLanguage('Öğretmen beni dinledi, çok teşekkür ederim.')).toBe('tr');
  });
  it('uses the writer’s page language only to break a tie, then the school’s', () => {
    expect(writtenLanguage('Lokaal 5', { hint: 'en' })).toBe('en');
    expect(writtenLanguage('Lokaal 5', { hint: 'ar' })).toBe('nl');
    expect(writtenLanguage('Gymzaal')).toBe('nl');
    // A hint never outweighs the words.
    expect(writtenLanguage('Hij leest elke dag thuis.', { hint: 'en' })).toBe('nl');
  });
  it('says "another language" when the writer said so and the words are none of the six; nothing when there are no letters', () => {
    expect(writtenLanguage('Waan ku faraxsanahay', { chosen: '' })).toBe('');
    expect(writtenLanguage('15:30 – 16:00')).toBeNull();
  });
});

describe('plain text through the machine', () => {
  for (const format of ['xml', 'html'] as const) {
    it(`sends marks someone typed as text, and gets them back as typed (${format})`, () => {
      const typed = 'Mijn **zoon** zegt [[nl:groep 6]] is <leuk> & [fijn](https://x.nl)';
      const p = protect(typed, format, true);
      expect(p.wire).not.toContain('<b>');
      expect(p.wire).toContain('&lt;leuk&gt; &amp;');
      expect(restore(p.wire, p, format)).toBe(typed);
    });
  }
  it('refuses a tag DeepL invented in plain text (nothing was sent as a tag)', () => {
    const p = protect('Hallo', 'xml', true);
    expect(() => restore('<b>Hallo</b>', p, 'xml')).toThrow();
  });
});

describe('a LibreTranslate server, from any of the six languages', () => {
  let fake: FakeLibreTranslate;
  let translator: Translator;
  beforeAll(async () => {
    fake = await startFakeLibreTranslate();
    translator = translatorFrom({ LIBRETRANSLATE_URL: fake.url })!;
  });
  afterAll(() => fake.close());

  it('sends Arabic as Arabic, plain, and gets Dutch back', async () => {
    const [out] = await translator.translate(['أخذ المعلّم وقته.'], 'ar', 'nl', { plain: true });
    expect(out).toBe('[nl] أخذ المعلّم وقته.');
    expect(fake.requests.at(-1)!.json).toMatchObject({ source: 'ar', target: 'nl' });
  });
  it('refuses a language pair that is one language', async () => {
    await expect(translator.translate(['x'], 'nl', 'nl')).rejects.toBeInstanceOf(TranslationFailed);
  });
});

describe('translating what people write is a choice a school can make', () => {
  it('is on with a LibreTranslate server or DeepL Pro, off with a DeepL Free key unless the school says so', () => {
    expect(writtenTranslationOn({ LIBRETRANSLATE_URL: 'http://t' })).toBe(true);
    expect(writtenTranslationOn({ DEEPL_API_KEY: 'abc' })).toBe(true);
    expect(writtenTranslationOn({ DEEPL_API_KEY: 'abc:fx' })).toBe(false);
    expect(writtenTranslationOn({ DEEPL_API_KEY: 'abc:fx', TRANSLATE_WRITTEN: 'on' })).toBe(true);
    expect(writtenTranslationOn({ LIBRETRANSLATE_URL: 'http://t', TRANSLATE_WRITTEN: 'off' })).toBe(false);
    expect(() => writtenTranslationOn({ TRANSLATE_WRITTEN: 'maybe' })).toThrow(/TRANSLATE_WRITTEN/);
  });
  it('the start-up log says what is translated, and a malformed setting stops the start', () => {
    expect(translationStatus({})).toMatch(/none set up/);
    expect(translationStatus({ LIBRETRANSLATE_URL: 'http://t:5000' })).toMatch(
      /LibreTranslate server, for leaflets and for what people write/,
    );
    expect(translationStatus({ DEEPL_API_KEY: 'k:fx' })).toMatch(/for leaflets only/);
    expect(() => translationStatus({ LIBRETRANSLATE_URL: 'http://t', TRANSLATE_PAGE_WAIT_MS: 'soon' })).toThrow(/TRANSLATE_PAGE_WAIT_MS/);
    expect(() => translationStatus({ LIBRETRANSLATE_API_KEY: 'k' })).toThrow(/LIBRETRANSLATE_URL/);
  });
});

/** A database with a translations table and nothing else: rows as stored_translations returns them. */
function fakeBackend() {
  type Row = RpcResult<'stored_translations'>[number] & { ref: string };
  const rows: Row[] = [];
  const stored: RpcArgs<'store_machine_translations'>['p_items'][] = [];
  const rpc = async <N extends RpcName>(name: N, args: RpcArgs<N>): Promise<RpcResult<N>> => {
    if (name === 'stored_translations') {
      const a = args as RpcArgs<'stored_translations'>;
      return rows.filter((r) => a.p_refs.some((ref) => r.ref === ref)) as unknown as RpcResult<N>;
    }
    if (name === 'store_machine_translations') {
      const items = (args as RpcArgs<'store_machine_translations'>).p_items;
      stored.push(items);
      for (const i of items) {
        rows.push({
          ref: (i.meeting ?? i.agreement ?? i.round ?? i.request)!,
          translation_id: crypto.randomUUID(),
          source: i.source,
          field: i.field,
          key: i.source === 'feedback' ? null : (i.agreement ?? i.user ?? i.pupil ?? i.round ?? i.request ?? i.meeting)!,
          source_hash: textHash(i.source_text),
          source_lang: i.source_lang,
          text: i.text,
          origin: 'machine',
          checked_at: null,
        });
      }
      return items.length as RpcResult<N>;
    }
    throw new Error(`unexpected rpc ${name}`);
  };
  const db: Db = { rpc };
  return { backend: { db, admin: db }, rows, stored };
}

/** A translator that counts its requests and answers after `delay` ms (or fails). */
function countingTranslator(delay = 0, fail = false) {
  const calls: { texts: readonly string[]; from: string; to: string }[] = [];
  const translator: Translator = {
    provider: 'libretranslate',
    async translate(texts, from, to) {
      calls.push({ texts, from, to });
      await new Promise((r) => setTimeout(r, delay));
      if (fail) throw new TranslationFailed('quota');
      return texts.map((t) => `[${to}] ${t}`);
    },
  };
  return { translator, calls };
}

const M = '50000000-0000-4000-8000-0000000000a1';
const goal = (text = 'Hoe gaat het met rekenen?'): WrittenItem => ({
  ref: { source: 'meeting', field: 'goal', meeting: M },
  text,
  hint: 'nl',
});

describe('the translation service', () => {
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  it('leaves a text in the reader’s own language alone, and asks nobody', async () => {
    const { backend } = fakeBackend();
    const { translator, calls } = countingTranslator();
    const [shown] = await readWritten(backend, [goal()], 'nl', {}, translator);
    expect(shown).toMatchObject({ state: 'same', text: 'Hoe gaat het met rekenen?' });
    expect(calls).toHaveLength(0);
  });

  it('without a translation machine: the original, marked as not translated (the page says why)', async () => {
    const { backend } = fakeBackend();
    const [shown] = await readWritten(backend, [goal()], 'ar', {}, null);
    expect(shown).toMatchObject({ state: 'off', lang: 'nl' });
  });

  it('translates once, stores it, and a second view reads it from the store without asking again', async () => {
    const { backend, stored } = fakeBackend();
    const { translator, calls } = countingTranslator();
    const [first] = await readWritten(backend, [goal()], 'ar', { wait: 1000 }, translator);
    expect(first).toMatchObject({
      state: 'translated',
      translation: { text: '[ar] Hoe gaat het met rekenen?', lang: 'ar', checked: false },
    });
    expect(first!.translation!.id).toBeTruthy();
    expect(stored).toHaveLength(1);
    const [second] = await readWritten(backend, [goal()], 'ar', { wait: 1000 }, translator);
    expect(second!.state).toBe('translated');
    expect(calls).toHaveLength(1);
  });

  it('a changed text is a new version: translated again', async () => {
    const { backend } = fakeBackend();
    const { translator, calls } = countingTranslator();
    await readWritten(backend, [goal()], 'tr', { wait: 1000 }, translator);
    await readWritten(backend, [goal('Hoe gaat het met lezen?')], 'tr', { wait: 1000 }, translator);
    expect(calls.map((c) => c.texts)).toEqual([['Hoe gaat het met rekenen?'], ['Hoe gaat het met lezen?']]);
  });

  it('two pages at the same moment share one request', async () => {
    const { backend } = fakeBackend();
    const { translator, calls } = countingTranslator(50);
    const [a, b] = await Promise.all([
      readWritten(backend, [goal('Samen lezen')], 'pl', { wait: 1000 }, translator),
      readWritten(backend, [goal('Samen lezen')], 'pl', { wait: 1000 }, translator),
    ]);
    expect(calls).toHaveLength(1);
    expect(a[0]!.state).toBe('translated');
    expect(b[0]!.state).toBe('translated');
  });

  it('one request per language the texts are in, each text once', async () => {
    const { backend } = fakeBackend();
    const { translator, calls } = countingTranslator();
    const items: WrittenItem[] = [
      { ref: { source: 'preparation', field: 'strengths', meeting: M, user: 'u1' }, text: 'يحب كرة القدم', chosen: 'ar' },
      { ref: { source: 'preparation', field: 'tell', meeting: M, user: 'u1' }, text: 'نتكلم العربية في البيت', chosen: 'ar' },
      { ref: { source: 'feedback', field: 'top', meeting: M }, text: 'Öğretmen beni dinledi.', hint: 'tr' },
    ];
    const shown = await readWritten(backend, items, 'nl', { wait: 1000 }, translator);
    expect(shown.map((s) => s.state)).toEqual(['translated', 'translated', 'translated']);
    expect(calls.map((c) => `${c.from}>${c.to}:${c.texts.length}`).sort()).toEqual(['ar>nl:2', 'tr>nl:1']);
  });

  it('a slow machine never holds a page past its wait: the original now, the translation stored for the next view', async () => {
    const { backend, stored } = fakeBackend();
    const { translator } = countingTranslator(300);
    const [now] = await readWritten(backend, [goal('Elke dag oefenen')], 'uk', { wait: 20 }, translator);
    expect(now!.state).toBe('pending');
    await vi.waitFor(() => expect(stored).toHaveLength(1), { timeout: 2000 });
    const [later] = await readWritten(backend, [goal('Elke dag oefenen')], 'uk', { wait: 20 }, translator);
    expect(later!.state).toBe('translated');
  });

  it('a failing machine: the original, said honestly; not asked again for a minute', async () => {
    const { backend } = fakeBackend();
    const { translator, calls } = countingTranslator(0, true);
    const [first] = await readWritten(backend, [goal('Meer tijd voor de toets')], 'en', { wait: 1000 }, translator);
    expect(first).toMatchObject({ state: 'failed', failure: 'quota' });
    const [again] = await readWritten(backend, [goal('Meer tijd voor de toets')], 'en', { wait: 1000 }, translator);
    expect(again).toMatchObject({ state: 'failed' });
    expect(calls).toHaveLength(1);
  });

  it('a text in another language than the six is shown as written, never sent', async () => {
    const { backend } = fakeBackend();
    const { translator, calls } = countingTranslator();
    const [shown] = await readWritten(
      backend,
      [{ ref: { source: 'preparation', field: 'other', meeting: M, user: 'u1' }, text: 'Waan ku faraxsanahay', chosen: '' }],
      'nl',
      {},
      translator,
    );
    expect(shown!.state).toBe('other');
    expect(calls).toHaveLength(0);
  });
});
