import { createServer } from 'node:http';
import { type LibreMode, startFakeLibreTranslate } from './libretranslate.ts';

/**
 * The fake LibreTranslate server for the e2e run (playwright.config.ts starts it): on a fixed
 * port, answering like the real API, plus `POST /__mode {"mode": "quota"}` so a test can make
 * it fail the way a real server does, `GET /__requests?contains=…` (how many translation requests
 * held those words: a test counts what reached the provider), and `GET /__health` for Playwright
 * to wait on.
 * Run: `node tests/fakes/serve-libretranslate.ts PORT`.
 */
const port = Number(process.argv[2] ?? 4398);
const fake = await startFakeLibreTranslate();

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (req.url === '/__health') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.url?.startsWith('/__requests')) {
    const contains = new URL(req.url, 'http://fake').searchParams.get('contains') ?? '';
    const count = fake.requests.filter((r) => r.path === '/translate' && r.body.includes(contains)).length;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count }));
    return;
  }
  if (req.url === '/__mode' && req.method === 'POST') {
    fake.mode = (JSON.parse(body.toString() || '{}') as { mode?: LibreMode }).mode ?? 'ok';
    res.writeHead(204).end();
    return;
  }
  try {
    const answer = await fetch(`${fake.url}${req.url}`, {
      method: req.method,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  } catch {
    res.destroy();
  }
});
server.listen(port, '127.0.0.1');
const stop = () => void fake.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
