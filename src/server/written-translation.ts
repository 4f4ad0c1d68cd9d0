import { createHash } from 'node:crypto';
import type { RpcResult } from '~/domain/rpc/index.ts';
import { refId, refKey, type WrittenRef, writtenLanguage } from '~/domain/written.ts';
import type { Locale } from '~/i18n/locales.ts';
import { machineTranslator } from './leaflet-translation.ts';
import type { Db } from './port.ts';
import { type FailureReason, TranslationFailed, type Translator, translateSettings } from './translate/index.ts';

/**
 * One translation service for everything people write (issue 19; docs/translation.md, "What
 * people write"). A page hands over the texts it shows — each with where it is stored (a
 * `WrittenRef`), the language its writer chose if they chose one, and a hint (the writer's page
 * language) — and gets back, per text, what to show the reader:
 *
 * - `same`: written in the reader's language (or nothing to translate): the text as it is;
 * - `translated`: the stored translation into the reader's language, machine-made (marked) or
 *   checked by a person, with the original one tap away;
 * - `pending`: the translation machine did not answer within the page's wait; the original shows,
 *   and the translation is stored when it arrives (the next view has it);
 * - `failed`: the machine refused or broke down (quota, time-out, …); the original shows;
 * - `off`: no translation machine is set up (or translating what people write is switched off):
 *   the original shows, and the page says so;
 * - `other`: written in a language the portal does not translate.
 *
 * When it happens: when someone who reads another language opens the page, never before (so a
 * text nobody needs in another language is never sent anywhere). A page waits at most
 * TRANSLATE_PAGE_WAIT_MS (default 2 s) for the machine. Each text version goes to the machine at
 * most once per language: stored translations are read first (as the reader: row level security
 * decides, exactly as for the text), texts already on their way are awaited, not sent again
 * (also across pages viewed at the same moment), and a failure is not retried for a minute.
 * What is stored: the translation, the SHA-256 of the text it was made from, the two languages
 * and the provider (supabase/migrations/…_written_translations.sql); the server stores it with
 * its own role, only for texts it has just read as the person viewing them.
 *
 * Nothing here logs a text: a failure logs the provider, the languages and the reason.
 */

export type WrittenState = 'same' | 'translated' | 'pending' | 'failed' | 'off' | 'other';

export interface WrittenItem {
  ref: WrittenRef;
  text: string | null | undefined;
  /** The language the writer chose for it (a preparation's "I am writing in"), if any. */
  chosen?: string | null | undefined;
  /** The writer's page language, for a Latin-script text the letters cannot tell apart. */
  hint?: Locale | null | undefined;
}

export interface Shown {
  text: string;
  /** The language it is written in ('' another language). */
  lang: Locale | '';
  state: WrittenState;
  translation?: { id: string | null; text: string; lang: Locale; checked: boolean };
  failure?: FailureReason;
}

export interface ReadOptions {
  /** How long this page waits for the machine (ms); 0: start it and do not wait. */
  wait?: number;
}

const MINUTE = 60_000;

/** The translator for what people write: the leaflets' one, unless switched off (TRANSLATE_WRITTEN). */
export function writtenTranslator(env: Record<string, string | undefined> = process.env): Translator | null {
  return writtenTranslationOn(env) ? machineTranslator() : null;
}

/**
 * Whether what people write may go to the translation machine: TRANSLATE_WRITTEN=on|off; by
 * default on, except with a DeepL Free key (`…:fx`), whose texts DeepL may keep to improve its
 * service: a school sending parents' words there must say so itself (TRANSLATE_WRITTEN=on).
 */
export function writtenTranslationOn(env: Record<string, string | undefined>): boolean {
  const setting = env.TRANSLATE_WRITTEN?.trim().toLowerCase();
  if (setting === 'on') return true;
  if (setting === 'off') return false;
  if (setting) throw new Error('TRANSLATE_WRITTEN must be on or off');
  return !(env.DEEPL_API_KEY?.trim().endsWith(':fx') ?? false);
}

export function pageWait(env: Record<string, string | undefined> = process.env): number {
  const raw = env.TRANSLATE_PAGE_WAIT_MS?.trim();
  const n = raw === undefined || raw === '' ? 2000 : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 30_000)
    throw new Error('TRANSLATE_PAGE_WAIT_MS must be a whole number of milliseconds from 0 to 30000');
  return n;
}

export const textHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Texts on their way to the machine, by language pair and version: a second page awaits the first's. */
const inflight = new Map<string, Promise<string>>();
/** Texts the machine just failed on, not asked again until the time given. */
const failedRecently = new Map<string, { until: number; reason: FailureReason }>();

type Stored = RpcResult<'stored_translations'>[number];
const matchKey = (source: string, field: string, key: string | null, hash: string) => `${source}|${field}|${key ?? ''}|${hash}`;

/**
 * What the reader sees of each text, in the same order. `db` reads as the reader; `admin` stores
 * what the machine returns.
 */
export async function readWritten(
  backend: { db: Db; admin: Db },
  items: readonly WrittenItem[],
  reader: Locale,
  options: ReadOptions = {},
  translator: Translator | null = writtenTranslator(),
): Promise<Shown[]> {
  const shown: Shown[] = items.map((item) => {
    const text = item.text ?? '';
    const lang = text.trim() ? writtenLanguage(text, { chosen: item.chosen, hint: item.hint }) : null;
    if (lang === null || lang === reader) return { text, lang: lang ?? reader, state: 'same' };
    if (lang === '') return { text, lang, state: 'other' };
    return { text, lang, state: translator ? 'pending' : 'off' };
  });
  const wanted = shown
    .map((s, i) => ({ s, item: items[i]!, hash: textHash(s.text) }))
    .filter((w) => w.s.state === 'pending' || w.s.state === 'off');
  if (wanted.length === 0) return shown;

  // What is stored already (as the reader: only texts they may see).
  const refs = [...new Set(wanted.map((w) => refId(w.item.ref)))];
  const stored = await backend.db.rpc('stored_translations', { p_lang: reader, p_refs: refs });
  const apply = (rows: Stored[]) => {
    const byKey = new Map(rows.map((r) => [matchKey(r.source, r.field, r.key, r.source_hash), r]));
    for (const w of wanted) {
      const row = byKey.get(matchKey(w.item.ref.source, w.item.ref.field, refKey(w.item.ref), w.hash));
      if (!row) continue;
      w.s.state = 'translated';
      w.s.translation = { id: row.translation_id, text: row.text, lang: reader, checked: row.origin === 'person' };
    }
  };
  apply(stored);
  const missing = wanted.filter((w) => w.s.state === 'pending');
  if (missing.length === 0 || !translator) return shown;

  // The rest goes to the machine: per source language one request, each text version once.
  const now = Date.now();
  const jobs = missing.map((w) => {
    const key = `${w.s.lang}>${reader}:${w.hash}`;
    const failed = failedRecently.get(key);
    if (failed && failed.until > now) {
      w.s.state = 'failed';
      w.s.failure = failed.reason;
      return null;
    }
    return { w, key };
  });
  const toAsk = new Map<Locale, Map<string, string>>();
  for (const job of jobs) {
    if (!job || inflight.has(job.key)) continue;
    const from = job.w.s.lang as Locale;
    const texts = toAsk.get(from) ?? new Map<string, string>();
    texts.set(job.key, job.w.s.text);
    toAsk.set(from, texts);
  }
  for (const [from, texts] of toAsk) {
    const keys = [...texts.keys()];
    const batch = translator.translate([...texts.values()], from, reader, { plain: true });
    keys.forEach((key, i) => {
      const one = batch.then((out) => out[i]!);
      inflight.set(key, one);
      one.then(
        () => inflight.delete(key),
        (err: unknown) => {
          inflight.delete(key);
          if (failedRecently.size > 1000) for (const [k, f] of failedRecently) if (f.until < Date.now()) failedRecently.delete(k);
          failedRecently.set(key, { until: Date.now() + MINUTE, reason: err instanceof TranslationFailed ? err.reason : 'unavailable' });
        },
      );
    });
  }

  // Stored as they arrive (also after this page has gone), then read back for their ids.
  const live = jobs.filter((j): j is NonNullable<typeof j> => j !== null);
  const work = Promise.allSettled(live.map((j) => inflight.get(j.key)!)).then(async (results) => {
    const items = results.flatMap((r, i) => {
      const { w } = live[i]!;
      if (r.status === 'rejected') {
        w.s.state = 'failed';
        w.s.failure = r.reason instanceof TranslationFailed ? r.reason.reason : 'unavailable';
        return [];
      }
      if (!r.value.trim()) return [];
      const ref = w.item.ref;
      return [
        {
          source: ref.source,
          field: ref.field,
          meeting: ref.meeting ?? null,
          agreement: ref.agreement ?? null,
          user: ref.user ?? null,
          pupil: ref.pupil ?? null,
          round: ref.round ?? null,
          request: ref.request ?? null,
          source_text: w.s.text,
          source_lang: w.s.lang,
          target_lang: reader,
          text: r.value,
          provider: translator.provider,
        },
      ];
    });
    if (items.length === 0) return false;
    await backend.admin.rpc('store_machine_translations', { p_items: items });
    return true;
  });
  const wait = options.wait ?? pageWait();
  const done = await Promise.race([
    work.catch((err: unknown) => {
      console.warn(`[portal] storing machine translations failed (${err instanceof Error ? err.constructor.name : typeof err})`);
      return false;
    }),
    new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), wait).unref?.()),
  ]);
  if (done === true) apply(await backend.db.rpc('stored_translations', { p_lang: reader, p_refs: refs }));
  return shown;
}

/** The languages (other than the reader's) of texts shown untranslated because no machine is set up. */
export function untranslatedLanguages(shown: readonly Shown[]): Locale[] {
  return [...new Set(shown.filter((s) => s.state === 'off').map((s) => s.lang as Locale))];
}

/** readWritten for named texts: what the reader sees of each, by the same names (absent texts left out). */
export async function readWrittenBy<K extends string>(
  backend: { db: Db; admin: Db },
  items: Record<K, WrittenItem | null | undefined>,
  reader: Locale,
  options: ReadOptions = {},
): Promise<Partial<Record<K, Shown>>> {
  const entries = (Object.entries(items) as [K, WrittenItem | null | undefined][]).filter(
    (e): e is [K, WrittenItem] => !!e[1] && !!e[1].text?.trim(),
  );
  if (entries.length === 0) return {};
  const shown = await readWritten(
    backend,
    entries.map(([, item]) => item),
    reader,
    options,
  );
  return Object.fromEntries(entries.map(([key], i) => [key, shown[i]!])) as Partial<Record<K, Shown>>;
}

/**
 * The start-up log's line about machine translation; throws on a setting that is half-set or
 * malformed, so the server does not start with a translation it cannot do.
 */
export function translationStatus(env: Record<string, string | undefined> = process.env): string {
  const settings = translateSettings(env);
  pageWait(env);
  const written = writtenTranslationOn(env);
  if (!settings)
    return 'machine translation: none set up (DEEPL_API_KEY or LIBRETRANSLATE_URL); texts show in the language they were written in';
  const provider = settings.provider === 'deepl' ? 'DeepL' : 'a LibreTranslate server';
  return written
    ? `machine translation: ${provider}, for leaflets and for what people write (when read, stored once per text and language)`
    : `machine translation: ${provider}, for leaflets only; what people write is not sent (TRANSLATE_WRITTEN)`;
}
