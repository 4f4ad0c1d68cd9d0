import { type Engine, type FailureReason, TranslationFailed } from './index.ts';

/**
 * A LibreTranslate server (open source, usually the school's own, so the texts stay in-house):
 * `POST {url}/translate` with JSON `{q: string[], source, target, format: 'html', api_key?}`,
 * answered by `{translatedText: string[]}` or `{error: string}`. Its language codes are ours.
 *
 * LibreTranslate takes no glossary with a request (an operator may configure one on the server
 * itself), so the port's glossary is not sent.
 */
export function libreTranslateEngine(settings: { url: string; apiKey?: string; timeoutMs: number }): Engine {
  const endpoint = `${settings.url}/translate`;
  return {
    provider: 'libretranslate',
    format: 'html',
    async translate(lines, from, to) {
      let status: number;
      let body: unknown;
      try {
        const signal = AbortSignal.timeout(settings.timeoutMs);
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            q: lines,
            source: from,
            target: to,
            format: 'html',
            ...(settings.apiKey ? { api_key: settings.apiKey } : {}),
          }),
          signal,
        });
        status = res.status;
        const text = await res.text();
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      } catch (err) {
        const name = err instanceof Error ? err.name : '';
        throw new TranslationFailed(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unavailable');
      }
      if (status !== 200) throw new TranslationFailed(libreFailure(status, errorOf(body)));
      const translated = (body as { translatedText?: unknown } | undefined)?.translatedText;
      if (!Array.isArray(translated) || translated.length !== lines.length || !translated.every((t) => typeof t === 'string')) {
        throw new TranslationFailed('unavailable');
      }
      return translated as string[];
    },
  };
}

function errorOf(body: unknown): string {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : '';
}

/** LibreTranslate's answers as the port's reasons. */
export function libreFailure(status: number, error: string): FailureReason {
  // Per-minute or per-day request limits ("Slowdown: …").
  if (status === 429) return 'quota';
  // A wrong API key, or an address banned for breaking the limits.
  if (status === 403) return 'refused';
  if (status === 400) {
    // "uk is not supported", "… is not available as a target language from …" (a language the server has no model for)
    if (/not supported|not available/i.test(error)) return 'unsupported';
    // "Please contact the server operator to get an API key", a text over the server's limit, …
    return 'refused';
  }
  return 'unavailable';
}
