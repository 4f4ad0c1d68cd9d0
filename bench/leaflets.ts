// The leaflet reader under load, its JavaScript, and its Lighthouse scores, in one run.
//   npm run bench:leaflets   (after a build; npm run bench builds first)
// Prints figures; asserts nothing. Environment: CONNECTIONS (50), SECONDS (10), PORT (4610),
// CHROME_PATH for Lighthouse (default: the browser the e2e tests use, see scripts/browser.mjs),
// PORTAL_FAST_PATH=off to measure without the handler in front of Astro (scripts/serve.mjs).
//
// Three servers answer in one run: the portal for its reader page (a cached public page), the
// portal for the same HTML as a static file, and a plain static file server in a process of its
// own (Node's http with a file stream, like `npx serve`; and Debian's nginx when installed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findChromium } from '../scripts/browser.mjs';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 10);
const PORT = Number(process.env.PORT ?? 4610);
const CHROME = process.env.CHROME_PATH ?? (await findChromium()) ?? 'chromium';
const READER = '/nl/s/demo/leaflets/leren-begint-thuis';
const STATIC = '/__bench/leaflet.html';
const origin = `http://localhost:${PORT}`;

const PLAIN_PORT = PORT + 1;
const NGINX_PORT = PORT + 2;
const dataDir = mkdtempSync(join(tmpdir(), 'portal-bench-leaflets-'));
const server = spawn(process.execPath, ['scripts/serve.mjs'], {
  env: { ...process.env, PORT: String(PORT), HOST: 'localhost', PORTAL_DATA_DIR: dataDir },
  stdio: 'ignore',
});
// A plain static file server: every request opens the file and streams it, as `npx serve` does.
const plain = spawn(
  process.execPath,
  [
    '-e',
    `const http = require('node:http'); const fs = require('node:fs');
     http.createServer((req, res) => {
       const file = 'dist/client' + decodeURIComponent(req.url.split('?')[0]);
       fs.stat(file, (err, st) => {
         if (err || !st.isFile()) { res.writeHead(404); res.end(); return; }
         res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': st.size });
         fs.createReadStream(file).pipe(res);
       });
     }).listen(${PLAIN_PORT}, 'localhost');`,
  ],
  { stdio: 'ignore' },
);
// Debian's nginx, when installed: the same folder, one worker (a fair match for one Node process).
const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
let nginx: ReturnType<typeof spawn> | null = null;
if (nginxBin) {
  const conf = join(dataDir, 'nginx.conf');
  writeFileSync(
    conf,
    `daemon off; worker_processes 1; pid ${dataDir}/nginx.pid; error_log ${dataDir}/nginx-error.log;
     events { worker_connections 1024; }
     http { access_log off; client_body_temp_path ${dataDir}; proxy_temp_path ${dataDir}; fastcgi_temp_path ${dataDir};
            uwsgi_temp_path ${dataDir}; scgi_temp_path ${dataDir};
            server { listen 127.0.0.1:${NGINX_PORT}; root ${process.cwd()}/dist/client; } }`,
  );
  nginx = spawn(nginxBin, ['-c', conf, '-p', dataDir], { stdio: 'ignore' });
}
const stop = () => {
  server.kill('SIGTERM');
  plain.kill('SIGTERM');
  nginx?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync('dist/client/__bench', { recursive: true, force: true });
};
process.on('exit', stop);

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/** One GET without compression (all are served the same bytes), resolved with its latency. */
function get(path: string, port = PORT): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: port === NGINX_PORT ? '127.0.0.1' : 'localhost', port, path, agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${path}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
  });
}

async function load(path: string, seconds: number, port = PORT) {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) latencies.push(await get(path, port));
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { p50: at(50), p95: at(95), rps: latencies.length / elapsed, n: latencies.length };
}

await waitForServer();
const html = await (await fetch(`${origin}${READER}`, { headers: { 'Accept-Encoding': 'identity' } })).text();
mkdirSync('dist/client/__bench', { recursive: true });
writeFileSync(`dist/client${STATIC}`, html);
await get(STATIC);

// JavaScript the reader page loads: external module scripts and inline scripts, gzipped.
const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
let jsRaw = 0;
let jsGzip = 0;
for (const [, attrs, body] of scripts) {
  const src = /\bsrc="([^"]+)"/.exec(attrs ?? '')?.[1];
  const code = src ? await (await fetch(new URL(src, origin))).text() : (body ?? '');
  jsRaw += Buffer.byteLength(code);
  jsGzip += gzipSync(code).byteLength;
}

// Warm each, then measure each under the same load.
await load(READER, 2);
await load(STATIC, 2);
await load(STATIC, 2, PLAIN_PORT);
const withNginx = nginx
  ? await get(STATIC, NGINX_PORT).then(
      () => true,
      () => false,
    )
  : false;
if (withNginx) await load(STATIC, 2, NGINX_PORT);
const dynamic = await load(READER, SECONDS);
const fixed = await load(STATIC, SECONDS);
const plainStatic = await load(STATIC, SECONDS, PLAIN_PORT);
const nginxStatic = withNginx ? await load(STATIC, SECONDS, NGINX_PORT) : null;
// The page as a phone receives it: gzipped bytes on the wire (fetch would unpack them).
const gz = await new Promise<number>((resolve, reject) => {
  http
    .get({ host: 'localhost', port: PORT, path: READER, headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
      let n = 0;
      res.on('data', (chunk: Buffer) => {
        n += chunk.byteLength;
      });
      res.on('end', () => resolve(n));
    })
    .on('error', reject);
});

const ms = (x: number) => `${x.toFixed(1)} ms`;
console.log(
  `leaflet reader ${READER}, ${CONNECTIONS} concurrent connections, ${SECONDS} s each, uncompressed HTML (${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB)`,
);
console.log(`  server-rendered: p50 ${ms(dynamic.p50)}  p95 ${ms(dynamic.p95)}  ${dynamic.rps.toFixed(0)} req/s  (${dynamic.n} requests)`);
console.log(`  static file:     p50 ${ms(fixed.p50)}  p95 ${ms(fixed.p95)}  ${fixed.rps.toFixed(0)} req/s  (${fixed.n} requests)`);
console.log(
  `  plain static server (node http, file stream, own process): p50 ${ms(plainStatic.p50)}  p95 ${ms(plainStatic.p95)}  ${plainStatic.rps.toFixed(0)} req/s`,
);
if (nginxStatic)
  console.log(`  nginx (1 worker):  p50 ${ms(nginxStatic.p50)}  p95 ${ms(nginxStatic.p95)}  ${nginxStatic.rps.toFixed(0)} req/s`);
else console.log('  nginx: not installed (apt-get install nginx to compare with it too)');
console.log(
  `  p95 ratio, reader / static file from the same server: ${(dynamic.p95 / fixed.p95).toFixed(2)}   aim ≤ 1.2${process.env.PORTAL_FAST_PATH === 'off' ? '   (fast path off)' : ''}`,
);
console.log(
  `  p95 ratio, reader / plain static server: ${(dynamic.p95 / plainStatic.p95).toFixed(2)}${nginxStatic ? `;  reader / nginx: ${(dynamic.p95 / nginxStatic.p95).toFixed(2)}` : ''}`,
);
console.log(`Reader page HTML: ${Buffer.byteLength(html)} B, ${gz} B gzipped (as sent)`);
console.log(`JavaScript on the reader page: ${scripts.length} script(s), ${jsRaw} B, ${jsGzip} B gzipped   aim ≤ 5 KB gzipped`);

if (existsSync(CHROME)) {
  const out = join(dataDir, 'lighthouse.json');
  const run = spawnSync(
    process.execPath,
    [
      'node_modules/lighthouse/cli/index.js',
      `${origin}${READER}`,
      '--only-categories=performance,accessibility',
      '--output=json',
      `--output-path=${out}`,
      '--quiet',
      '--chrome-flags=--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync',
    ],
    { env: { ...process.env, CHROME_PATH: CHROME }, stdio: 'inherit', timeout: 180_000 },
  );
  if (run.status === 0) {
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      categories: Record<string, { score: number }>;
      audits: Record<string, { displayValue?: string }>;
    };
    const score = (c: string) => Math.round((report.categories[c]?.score ?? 0) * 100);
    console.log(
      `Lighthouse (mobile): performance ${score('performance')}, accessibility ${score('accessibility')}   aim 100 / 100` +
        `  (FCP ${report.audits['first-contentful-paint']?.displayValue}, LCP ${report.audits['largest-contentful-paint']?.displayValue}, TBT ${report.audits['total-blocking-time']?.displayValue})`,
    );
  } else {
    console.log('Lighthouse: did not complete');
  }
} else {
  console.log(`Lighthouse: skipped (no Chrome at ${CHROME}; set CHROME_PATH)`);
}
// BENCH_JSON: the figures for bench/all.ts.
if (process.env.BENCH_JSON)
  writeFileSync(
    process.env.BENCH_JSON,
    JSON.stringify({
      reader: { p50: dynamic.p50, p95: dynamic.p95, rps: dynamic.rps },
      staticFile: { p50: fixed.p50, p95: fixed.p95 },
      connections: CONNECTIONS,
    }),
  );
agent.destroy();
stop();
process.exit(0);
