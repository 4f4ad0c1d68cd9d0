import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a LibreTranslate server on this machine, with the shapes of its API
 * (libretranslate/app.py): `POST /translate` with JSON `{q, source, target, format, api_key}`,
 * `q` a string or a list; answers `{"translatedText": …}` (a list for a list) or
 * `{"error": "…"}` with 400 (missing parameter, unsupported language, API key needed),
 * 403 (invalid API key, banned), 429 ("Slowdown: …") and 500 ("Cannot translate text: …").
 *
 * Like the real server in HTML mode, it folds whitespace, leaves elements with
 * `translate="no"` as they are, keeps tags, and unescapes its whole answer (`html.unescape`).
 * Its "translation": `[target] ` before the text and the words outside tags in capitals.
 */
export type LibreMode =
  | 'ok'
  /** 429: the server's per-minute or per-day limit. */
  | 'quota'
  /** 403: this address is banned. */
  | 'refused'
  /** 500 */
  | 'error'
  /** Takes the request and never answers. */
  | 'slow'
  /** Answers, but drops a `translate="no"` element from each translation. */
  | 'mangled'
  /** 200 with a web page instead of JSON (a proxy's login page, say). */
  | 'garbage';

export interface RecordedLibreRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined if it was not JSON). */
  json: { q?: unknown; source?: unknown; target?: unknown; format?: unknown; api_key?: unknown; [key: string]: unknown } | undefined;
  body: string;
}

export interface FakeLibreTranslate {
  readonly url: string;
  /** When set, the server requires this API key (like `--api-keys` with `--require-api-key-origin`). */
  apiKey: string | undefined;
  mode: LibreMode;
  /** The languages the server has models for. */
  languages: Set<string>;
  readonly requests: RecordedLibreRequest[];
  reset(): void;
  close(): Promise<void>;
}

const ALL_LANGUAGES = ['nl', 'en', 'ar', 'uk', 'pl', 'tr'];

export async function startFakeLibreTranslate(options: { apiKey?: string } = {}): Promise<FakeLibreTranslate> {
  const requests: RecordedLibreRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      let parsed: RecordedLibreRequest['json'];
      try {
        parsed = String(req.headers['content-type']).startsWith('application/json') ? JSON.parse(body) : undefined;
      } catch {
        parsed = undefined;
      }
      requests.push({ method: req.method ?? '', path, headers: req.headers, json: parsed, body });

      if (req.method !== 'POST' || path !== '/translate') return json(res, 404, { error: 'Not Found' });
      if (fake.mode === 'slow') {
        hanging.add(res);
        return;
      }
      if (fake.mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>Please sign in to the school network</body></html>');
      }
      if (!parsed || typeof parsed !== 'object') return json(res, 400, { error: 'Invalid JSON format' });
      if (fake.mode === 'refused') return json(res, 403, { error: 'Too many request limits violations' });
      if (fake.apiKey !== undefined) {
        if (parsed.api_key && parsed.api_key !== fake.apiKey) return json(res, 403, { error: 'Invalid API key' });
        if (!parsed.api_key) return json(res, 400, { error: 'Please contact the server operator to get an API key' });
      }
      if (fake.mode === 'quota') return json(res, 429, { error: 'Slowdown: 30 per 1 minute' });
      const { q, source, target } = parsed;
      for (const [name, value] of [
        ['q', q],
        ['source', source],
        ['target', target],
      ] as const) {
        if (!value) return json(res, 400, { error: `Invalid request: missing ${name} parameter` });
      }
      if (!fake.languages.has(String(source))) {
        return json(res, 400, { error: `{'confidence': 100.0, 'language': '${String(source)}'} is not supported` });
      }
      if (!fake.languages.has(String(target))) return json(res, 400, { error: `${String(target)} is not supported` });
      const format = parsed.format ?? 'text';
      if (format !== 'text' && format !== 'html') return json(res, 400, { error: `${String(format)} format is not supported` });
      if (fake.mode === 'error') return json(res, 500, { error: 'Cannot translate text: out of memory' });

      const one = (text: string) => {
        const out = format === 'html' ? translateHtml(text, String(target)) : `[${String(target)}] ${text.toUpperCase()}`;
        return fake.mode === 'mangled' ? out.replace(/<span\b[^>]*translate="no"[^>]*>[\s\S]*?<\/span>/, '') : out;
      };
      return json(res, 200, { translatedText: Array.isArray(q) ? q.map((t) => one(String(t))) : one(String(q)) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeLibreTranslate = {
    url: `http://127.0.0.1:${port}`,
    apiKey: options.apiKey,
    mode: 'ok',
    languages: new Set(ALL_LANGUAGES),
    requests,
    reset() {
      fake.mode = 'ok';
      fake.apiKey = options.apiKey;
      fake.languages = new Set(ALL_LANGUAGES);
      requests.length = 0;
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

/** As translate_html and app.py do it: folded whitespace, text nodes translated, `translate="no"` kept, then all unescaped. */
function translateHtml(html: string, target: string): string {
  const folded = html.split(/\s+/).filter(Boolean).join(' ');
  const translated = folded
    .split(/(<span\b[^>]*translate="no"[^>]*>[\s\S]*?<\/span>|<[^>]*>|&(?:#\w+|\w+);)/)
    .map((part, i) => (i % 2 === 1 ? part : part.toUpperCase()))
    .join('');
  return unescapeHtml(`[${target}] ${translated}`);
}

function unescapeHtml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0' };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|\w+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return named[name.toLowerCase()] ?? whole;
  });
}
