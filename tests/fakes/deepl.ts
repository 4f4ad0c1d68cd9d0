import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the DeepL API on this machine, answering the requests deepl-node makes with
 * the shapes DeepL gives (API v2 translate, v3 multilingual glossaries, v2 usage):
 *
 * - `POST /v2/translate`, form-encoded as deepl-node sends it: `text` (repeated), `source_lang`,
 *   `target_lang`, `tag_handling`, `ignore_tags`, `non_splitting_tags`, `glossary_id`,
 *   `show_billed_characters`, with `Authorization: DeepL-Auth-Key …`; answers
 *   `{"translations":[{"detected_source_language":"NL","text":"…","billed_characters":n}]}`;
 * - `POST /v3/glossaries` (`name`, `dictionaries[0].source_lang|target_lang|entries|entries_format`),
 *   `GET /v3/glossaries`, `DELETE /v3/glossaries/{id}`;
 * - errors as deepl-node reads them: `{"message": "…"}` with 403, 456, 429, 400, 500, 503.
 *
 * Its "translation" is deterministic: `[target_lang] ` before the text, the words outside tags
 * in capitals, glossary terms replaced by their target term as given. Tags stay as sent.
 */
export type DeepLMode =
  | 'ok'
  /** 456: the account's character quota is used up. */
  | 'quota'
  /** 429: too many requests. */
  | 'too-many'
  /** 403, whatever key is sent. */
  | 'refused'
  /** 400: "Value for 'target_lang' not supported." */
  | 'bad-request'
  /** 500 */
  | 'error'
  /** 503 */
  | 'unavailable'
  /** Takes the request and never answers. */
  | 'slow'
  /** Answers, but drops a placeholder (or a link's tags) from each translation. */
  | 'mangled';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form-encoded body (empty for other bodies). */
  form: URLSearchParams;
  body: string;
}

export interface FakeGlossary {
  glossary_id: string;
  name: string;
  source_lang: string;
  target_lang: string;
  entries: Map<string, string>;
  creation_time: string;
}

export interface FakeDeepL {
  readonly url: string;
  readonly key: string;
  mode: DeepLMode;
  /** Glossary creation answers 400, as for a language pair DeepL keeps no glossaries for. */
  refuseGlossaries: boolean;
  readonly requests: RecordedRequest[];
  readonly glossaries: Map<string, FakeGlossary>;
  /** The requests to POST /v2/translate. */
  translations(): RecordedRequest[];
  /** Back to `ok`, no requests recorded, no glossaries. */
  reset(): void;
  close(): Promise<void>;
}

const MESSAGES = {
  quota: [456, 'Quota Exceeded'],
  'too-many': [429, 'Too many requests'],
  refused: [403, 'Forbidden'],
  'bad-request': [400, "Value for 'target_lang' not supported."],
  error: [500, 'Internal Server Error'],
  unavailable: [503, 'Service Unavailable'],
} as const;

export async function startFakeDeepL(options: { key?: string } = {}): Promise<FakeDeepL> {
  const key = options.key ?? 'test-key:fx';
  const requests: RecordedRequest[] = [];
  const glossaries = new Map<string, FakeGlossary>();
  const hanging = new Set<ServerResponse>();
  let characters = 0;

  const json = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const info = (g: FakeGlossary) => ({
    glossary_id: g.glossary_id,
    name: g.name,
    dictionaries: [{ source_lang: g.source_lang, target_lang: g.target_lang, entry_count: g.entries.size }],
    creation_time: g.creation_time,
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const form = String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(body)
        : url.searchParams;
      const recorded = { method: req.method ?? '', path: url.pathname, headers: req.headers, form, body };
      requests.push(recorded);

      if (fake.mode === 'slow') {
        hanging.add(res);
        return;
      }
      if (req.headers.authorization !== `DeepL-Auth-Key ${key}`) return json(res, 403, { message: 'Forbidden' });
      if (fake.mode !== 'ok' && fake.mode !== 'mangled') {
        const [status, message] = MESSAGES[fake.mode];
        return json(res, status, { message });
      }

      if (req.method === 'POST' && url.pathname === '/v2/translate') {
        const target = form.get('target_lang') ?? '';
        const glossaryId = form.get('glossary_id');
        let glossary: FakeGlossary | undefined;
        if (glossaryId) {
          glossary = glossaries.get(glossaryId);
          if (!glossary) return json(res, 404, { message: 'Glossary not found' });
          if (glossary.target_lang !== target.split('-')[0]!.toLowerCase() || glossary.source_lang !== form.get('source_lang')) {
            return json(res, 400, { message: 'Glossary does not match the language pair' });
          }
        }
        const texts = form.getAll('text');
        if (texts.length === 0) return json(res, 400, { message: "Parameter 'text' not specified." });
        const translations = texts.map((text) => {
          characters += text.length;
          let out = `[${target}] ${translateXml(text, glossary?.entries)}`;
          if (fake.mode === 'mangled') out = mangle(out);
          return { detected_source_language: 'NL', text: out, billed_characters: text.length };
        });
        return json(res, 200, { translations });
      }
      if (req.method === 'POST' && url.pathname === '/v3/glossaries') {
        if (fake.refuseGlossaries) return json(res, 400, { message: 'Unsupported glossary language pair' });
        const name = form.get('name');
        const tsv = form.get('dictionaries[0].entries');
        const source = form.get('dictionaries[0].source_lang');
        const target = form.get('dictionaries[0].target_lang');
        if (!name || !tsv || !source || !target || form.get('dictionaries[0].entries_format') !== 'tsv') {
          return json(res, 400, { message: 'Missing or invalid glossary parameters' });
        }
        const entries = new Map(tsv.split('\n').map((line) => line.split('\t') as [string, string]));
        const g: FakeGlossary = {
          glossary_id: randomUUID(),
          name,
          source_lang: source,
          target_lang: target,
          entries,
          creation_time: new Date().toISOString(),
        };
        glossaries.set(g.glossary_id, g);
        return json(res, 201, info(g));
      }
      if (req.method === 'GET' && url.pathname === '/v3/glossaries') {
        return json(res, 200, { glossaries: [...glossaries.values()].map(info) });
      }
      const glossaryPath = /^\/v3\/glossaries\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'DELETE' && glossaryPath) {
        return glossaries.delete(glossaryPath[1]!) ? json(res, 204) : json(res, 404, { message: 'Glossary not found' });
      }
      if (req.method === 'GET' && url.pathname === '/v2/usage') {
        return json(res, 200, { character_count: characters, character_limit: 500_000 });
      }
      return json(res, 404, { message: 'Not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeDeepL = {
    url: `http://127.0.0.1:${port}`,
    key,
    mode: 'ok',
    refuseGlossaries: false,
    requests,
    glossaries,
    translations: () => requests.filter((r) => r.method === 'POST' && r.path === '/v2/translate'),
    reset() {
      fake.mode = 'ok';
      fake.refuseGlossaries = false;
      requests.length = 0;
      glossaries.clear();
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

/** Capitals for the words outside tags and entities; glossary terms become their target term. */
function translateXml(xml: string, glossary?: ReadonlyMap<string, string>): string {
  const terms = [...(glossary?.keys() ?? [])].sort((a, b) => b.length - a.length);
  const lookup = new Map(terms.map((t) => [t.toLowerCase(), glossary!.get(t)!]));
  const pattern = terms.length > 0 ? new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu') : null;
  return xml
    .split(/(<[^>]*>|&(?:#\w+|\w+);)/)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      if (!pattern) return part.toUpperCase();
      return part
        .split(pattern)
        .map((piece, j) => (j % 2 === 1 ? lookup.get(piece.toLowerCase())! : piece.toUpperCase()))
        .join('');
    })
    .join('');
}

/** What a provider that loses track of tags gives back: a placeholder gone, or a link's tags. */
function mangle(xml: string): string {
  if (/<x\b[^>]*\/>/.test(xml)) return xml.replace(/<x\b[^>]*\/>/, '');
  if (/<a\b[^>]*>/.test(xml)) return xml.replace(/<a\b[^>]*>/, '').replace('</a>', '');
  return xml.replace('<b>', '');
}
