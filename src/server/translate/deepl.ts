import { createHash } from 'node:crypto';
import {
  AuthorizationError,
  ConnectionError,
  DeepLClient,
  DeepLError,
  GlossaryEntries,
  GlossaryNotFoundError,
  QuotaExceededError,
  type TargetLanguageCode,
  TooManyRequestsError,
} from 'deepl-node';
import type { Locale, TranslationLocale } from '~/i18n/locales.ts';
import { type Engine, type GlossaryEntry, TranslationFailed } from './index.ts';

/**
 * DeepL through its official client (deepl-node). Lines go as XML (`tag_handling=xml`): `<b>`
 * and `<a>` are translated with their words, `<x/>` placeholders are ignored tags. deepl-node
 * logs request bodies only at its debug level, which is off unless someone turns it on.
 *
 * Glossaries: DeepL's multilingual (v3) glossaries, one per target language and glossary
 * content, named after a hash of the content so that a restart finds it again instead of
 * making another; the id is kept in memory. A language pair DeepL keeps no glossaries for is
 * translated without one. A glossary deleted in the DeepL account is made again once.
 */

/** DeepL's target codes: English is British English (the school's English is). */
export const DEEPL_TARGET: Record<Locale, TargetLanguageCode> = { nl: 'nl', en: 'en-GB', ar: 'ar', uk: 'uk', pl: 'pl', tr: 'tr' };

/** Glossary ids by account, target language and glossary content (null: DeepL keeps none for that pair). */
const glossaries = new Map<string, Promise<string | null>>();

export function deeplEngine(settings: { authKey: string; serverUrl?: string; timeoutMs: number }): Engine {
  const client = new DeepLClient(settings.authKey, {
    ...(settings.serverUrl ? { serverUrl: settings.serverUrl } : {}),
    // One try, within our own time limit: the person waiting gets an answer, and can try again.
    maxRetries: 0,
    minTimeout: settings.timeoutMs,
    sendPlatformInfo: false,
  });
  const account = `${settings.serverUrl ?? 'default'}|${sha256(settings.authKey).slice(0, 16)}`;
  const timed = <T>(work: Promise<T>) => withDeadline(work, settings.timeoutMs);

  async function findOrCreate(to: TranslationLocale, entries: readonly GlossaryEntry[], hash: string): Promise<string | null> {
    // Glossaries are per language, not per region: English is `en` here.
    const lang = DEEPL_TARGET[to].split('-')[0]!.toLowerCase();
    const name = `hgw-portal nl-${lang} ${hash.slice(0, 16)}`;
    const existing = (await timed(client.listMultilingualGlossaries())).find(
      (g) =>
        g.name === name && g.dictionaries.some((d) => d.sourceLangCode.toLowerCase() === 'nl' && d.targetLangCode.toLowerCase() === lang),
    );
    if (existing) return existing.glossaryId;
    try {
      const created = await timed(
        client.createMultilingualGlossary(name, [
          {
            sourceLangCode: 'nl',
            targetLangCode: lang,
            entries: new GlossaryEntries({ entries: Object.fromEntries(entries.map((e) => [e.nl, e.target])) }),
          },
        ]),
      );
      return created.glossaryId;
    } catch (err) {
      if (isPlainDeepLError(err) && err.message.startsWith('Bad request')) return null;
      throw err;
    }
  }

  function glossaryKey(to: TranslationLocale, entries: readonly GlossaryEntry[]) {
    const hash = sha256(JSON.stringify([...entries].sort((a, b) => (a.nl < b.nl ? -1 : 1)).map((e) => [e.nl, e.target])));
    return { key: `${account}|${to}|${hash}`, hash };
  }

  function glossaryFor(to: TranslationLocale, entries: readonly GlossaryEntry[]): Promise<string | null> {
    const { key, hash } = glossaryKey(to, entries);
    let pending = glossaries.get(key);
    if (!pending) {
      pending = findOrCreate(to, entries, hash);
      glossaries.set(key, pending);
      // A failure is not remembered: the next translation asks again.
      pending.catch(() => glossaries.delete(key));
    }
    return pending;
  }

  return {
    provider: 'deepl',
    format: 'xml',
    async translate(lines, from, to, glossary) {
      try {
        for (let attempt = 0; ; attempt++) {
          // Glossaries are Dutch → the leaflet languages; the port sends none for other pairs.
          const glossaryId = glossary.length > 0 && from === 'nl' && to !== 'nl' ? await glossaryFor(to, glossary) : null;
          try {
            const results = await timed(
              client.translateText([...lines], from, DEEPL_TARGET[to], {
                tagHandling: 'xml',
                ignoreTags: ['x'],
                nonSplittingTags: ['b', 'a', 'x'],
                ...(glossaryId ? { glossary: glossaryId } : {}),
              }),
            );
            return results.map((r) => r.text);
          } catch (err) {
            // The glossary was deleted in the DeepL account since we made it: make it again, once.
            if (glossaryId && to !== 'nl' && attempt === 0 && staleGlossary(err)) {
              glossaries.delete(glossaryKey(to, glossary).key);
              continue;
            }
            throw err;
          }
        }
      } catch (err) {
        throw deeplFailure(err);
      }
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isPlainDeepLError(err: unknown): err is DeepLError {
  return (
    err instanceof DeepLError &&
    !(
      err instanceof QuotaExceededError ||
      err instanceof TooManyRequestsError ||
      err instanceof AuthorizationError ||
      err instanceof ConnectionError
    )
  );
}

function staleGlossary(err: unknown): boolean {
  return err instanceof GlossaryNotFoundError || (isPlainDeepLError(err) && /^(Not found|Bad request)/.test(err.message));
}

/** DeepL's answers as the port's reasons. */
export function deeplFailure(err: unknown): TranslationFailed {
  if (err instanceof TranslationFailed) return err;
  // 456: the account's character quota is used up; 429: too many requests for now.
  if (err instanceof QuotaExceededError || err instanceof TooManyRequestsError) return new TranslationFailed('quota');
  if (err instanceof AuthorizationError) return new TranslationFailed('refused');
  if (err instanceof ConnectionError) {
    const code = (err.error as { code?: string } | undefined)?.code;
    return new TranslationFailed(code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'unavailable');
  }
  // 400: DeepL does not take this request (most often: a language it does not translate into).
  if (isPlainDeepLError(err) && err.message.startsWith('Bad request')) return new TranslationFailed('unsupported');
  return new TranslationFailed('unavailable');
}

/**
 * Our own time limit: deepl-node's timeout never goes below its backoff's first second and
 * takes no abort signal, so the answer is given up on here; the request ends in the background.
 */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TranslationFailed('timeout')), ms);
  });
  work.catch(() => {}); // a late failure after the deadline is expected, not unhandled
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
