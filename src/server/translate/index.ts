import { LOCALE_CODES, type Locale, type TranslationLocale } from '~/i18n/locales.ts';
import { libreTranslateEngine } from './libretranslate.ts';
import { cutLines, MarkupLost, type Protected, protect, restore, type WireFormat } from './protect.ts';

/**
 * Machine translation behind one port: texts in one language in, one translation per text out
 * (leaflets: Dutch into the five others; what people write: between any two of the six), by DeepL
 * (deepl-node) or by a school's own LibreTranslate server, chosen by the settings; with neither
 * set the feature is hidden (`translatorFrom` gives null).
 *
 * What leaves the server: the lines to translate, with their inline marks as tags. What does
 * not: link URLs (replaced by numbers), the marks' syntax, and — for DeepL — the `[[nl:…]]`
 * words (placeholders; LibreTranslate gets them inside `translate="no"`, on the school's own
 * server). Nothing here logs a text: a failure logs the provider, the language and the reason.
 *
 * A failed translation throws `TranslationFailed` and returns nothing, so the caller keeps
 * the Dutch and any earlier translation as they were.
 */

export type { Locale, TranslationLocale };
export type Provider = 'deepl' | 'libretranslate';

/** A glossary pair: the Dutch term and the term to use in the target language. */
export interface GlossaryEntry {
  readonly nl: string;
  readonly target: string;
}

export interface TranslateOptions {
  /** Used where the provider supports glossaries (DeepL, from Dutch); LibreTranslate has none per request. */
  glossary?: readonly GlossaryEntry[];
  /** What people write: no marks, every character is text (see protect.ts). */
  plain?: boolean;
}

export interface Translator {
  readonly provider: Provider;
  /** One translation per text, same order. Empty and blank texts come back as they are, unsent. */
  translate(texts: readonly string[], from: Locale, to: Locale, options?: TranslateOptions): Promise<string[]>;
}

/**
 * - `quota`: the provider's limit is reached: DeepL's character quota (456), or a rate limit
 *   (429, DeepL's or LibreTranslate's per-minute/per-day limits); try later or raise the limit;
 * - `timeout`: no answer within TRANSLATE_TIMEOUT_MS;
 * - `unavailable`: the provider cannot be reached or answers with an error (5xx) or nonsense;
 * - `refused`: the provider refused the key (403, or LibreTranslate's "API key" answer), or the
 *   translation came back with its marks broken (`index` then names the text);
 * - `unsupported`: the provider does not translate into this language.
 */
export type FailureReason = 'quota' | 'timeout' | 'unavailable' | 'refused' | 'unsupported';

export class TranslationFailed extends Error {
  override readonly name = 'TranslationFailed';
  constructor(
    readonly reason: FailureReason,
    /** For reason `refused` because of broken marks: the index of the text whose translation was rejected. */
    readonly index?: number,
  ) {
    super(`machine translation failed: ${reason}${index === undefined ? '' : ` (text ${index + 1})`}`);
  }
}

/** What an adapter does: translate marked-up lines (see protect.ts) in its wire format. */
export interface Engine {
  readonly provider: Provider;
  readonly format: WireFormat;
  /** One result per line, same order; throws `TranslationFailed`. Each call is one request (two with a new DeepL glossary). */
  translate(lines: readonly string[], from: Locale, to: Locale, glossary: readonly GlossaryEntry[]): Promise<string[]>;
}

export type TranslateSettings =
  | { provider: 'deepl'; authKey: string; serverUrl?: string; timeoutMs: number }
  | { provider: 'libretranslate'; url: string; apiKey?: string; timeoutMs: number };

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The translation settings, or null when none is set. DEEPL_API_KEY (with DEEPL_SERVER_URL for
 * another DeepL endpoint) wins over LIBRETRANSLATE_URL (with LIBRETRANSLATE_API_KEY). Half-set or
 * malformed settings throw a clear message rather than silently hiding the feature.
 */
export function translateSettings(env: Record<string, string | undefined>): TranslateSettings | null {
  const get = (name: string) => env[name]?.trim() || undefined;
  const deeplKey = get('DEEPL_API_KEY');
  const deeplUrl = get('DEEPL_SERVER_URL');
  const libreUrl = get('LIBRETRANSLATE_URL');
  const libreKey = get('LIBRETRANSLATE_API_KEY');
  if (deeplUrl && !deeplKey) throw new Error('DEEPL_SERVER_URL is set but DEEPL_API_KEY is not: set the key too, or neither');
  if (libreKey && !libreUrl)
    throw new Error('LIBRETRANSLATE_API_KEY is set but LIBRETRANSLATE_URL is not: set the address too, or neither');
  const rawTimeout = get('TRANSLATE_TIMEOUT_MS');
  const timeoutMs = rawTimeout === undefined ? DEFAULT_TIMEOUT_MS : Number(rawTimeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 300_000) {
    throw new Error('TRANSLATE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 300000');
  }
  if (deeplKey) {
    return { provider: 'deepl', authKey: deeplKey, ...(deeplUrl ? { serverUrl: httpUrl('DEEPL_SERVER_URL', deeplUrl) } : {}), timeoutMs };
  }
  if (libreUrl) {
    return {
      provider: 'libretranslate',
      url: httpUrl('LIBRETRANSLATE_URL', libreUrl),
      ...(libreKey ? { apiKey: libreKey } : {}),
      timeoutMs,
    };
  }
  return null;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an http(s) address, like https://translate.school.example:5000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an http(s) address, like https://translate.school.example:5000`);
  }
  if (url.username || url.password) throw new Error(`${name} must not hold a user name or password: use the API key setting`);
  // No query or fragment: the adapters add their own paths.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The translator the settings choose, or null (the feature is hidden). Throws on half-set settings. */
export function translatorFrom(env: Record<string, string | undefined>): Translator | null {
  const settings = translateSettings(env);
  if (!settings) return null;
  return protectedTranslator(settings.provider === 'deepl' ? lazyDeepl(settings) : libreTranslateEngine(settings));
}

/**
 * DeepL's client (deepl-node and the HTTP library under it) is loaded on the first translation,
 * not when the server starts: most starts translate nothing, and loading it cost about a tenth of
 * a warm start (issue 24).
 */
function lazyDeepl(settings: Extract<TranslateSettings, { provider: 'deepl' }>): Engine {
  let engine: Promise<Engine> | undefined;
  return {
    provider: 'deepl',
    format: 'xml',
    async translate(lines, from, to, glossary) {
      engine ??= import('./deepl.ts').then((m) => m.deeplEngine(settings));
      return (await engine).translate(lines, from, to, glossary);
    },
  };
}

/** Lines per request, and characters (a longer line still goes, alone): within DeepL's 50 texts and common LibreTranslate limits. */
const BATCH_LINES = 50;
const BATCH_CHARS = 20_000;

function batches<T extends { wire: string }>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let chars = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= BATCH_LINES || chars + item.wire.length > BATCH_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(item);
    chars += item.wire.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Terms DeepL would refuse (control characters, line breaks) or that say nothing are left out; the first pair for a term counts. */
function cleanGlossary(glossary: readonly GlossaryEntry[] | undefined): GlossaryEntry[] {
  const seen = new Set<string>();
  const out: GlossaryEntry[] = [];
  for (const entry of glossary ?? []) {
    const nl = entry.nl.trim();
    const target = entry.target.trim();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is refused
    const bad = /[\u0000-\u001f\u0080-\u009f\u2028\u2029]/;
    if (!nl || !target || bad.test(nl) || bad.test(target) || seen.has(nl.toLowerCase())) continue;
    seen.add(nl.toLowerCase());
    out.push({ nl, target });
  }
  return out;
}

/** Wraps an engine with what both providers need: lines, protected marks, batches, checks, no text in logs. */
export function protectedTranslator(engine: Engine): Translator {
  return {
    provider: engine.provider,
    async translate(texts, from, to, options) {
      try {
        const known = LOCALE_CODES as readonly string[];
        if (from === to || !known.includes(from) || !known.includes(to)) throw new TranslationFailed('unsupported');
        const plain = options?.plain ?? false;
        const cuts = texts.map((text) => cutLines(text, plain));
        const items = cuts.flatMap((cut, text) => cut.lines.map((line) => ({ text, ...protect(line, engine.format, plain) })));
        const results: string[] = [];
        // Glossaries are Dutch → other language (domain/glossary.ts).
        const glossary = from === 'nl' ? cleanGlossary(options?.glossary) : [];
        for (const batch of batches(items)) {
          const out = await engine.translate(
            batch.map((item) => item.wire),
            from,
            to,
            glossary,
          );
          if (out.length !== batch.length) throw new TranslationFailed('unavailable');
          results.push(...out);
        }
        const restored = items.map((item: Protected & { text: number }, n) => {
          try {
            return restore(results[n]!, item, engine.format);
          } catch (err) {
            if (err instanceof MarkupLost) throw new TranslationFailed('refused', item.text);
            throw err;
          }
        });
        let next = 0;
        return cuts.map((cut) => {
          const lines = restored.slice(next, next + cut.lines.length);
          next += cut.lines.length;
          return cut.join(lines);
        });
      } catch (err) {
        const failure = err instanceof TranslationFailed ? err : new TranslationFailed('unavailable');
        // Provider, language and reason only: the texts may hold personal data. An unexpected
        // error (a bug) adds its class name, never its message.
        const unexpected = err instanceof TranslationFailed ? '' : ` (${err instanceof Error ? err.constructor.name : typeof err})`;
        console.warn(`[portal] machine translation (${engine.provider}, ${from} → ${to}) failed: ${failure.reason}${unexpected}`);
        throw failure;
      }
    },
  };
}
