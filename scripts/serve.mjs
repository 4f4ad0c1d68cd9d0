// Serves the built portal: a small request handler in front of Astro's. It first asks the portal
// whether the request is a public page it holds in its cache (a published leaflet, a school's
// list; see src/server/fast-path.ts) and answers that at once; everything else goes to Astro's
// own handler (static files, then pages). So the page a whole school's parents open on the same
// evening costs about what a static file costs.
//
// Astro's standalone server is not started (ASTRO_NODE_AUTOSTART=disabled); this file listens on
// PORT and HOST instead. The first request loads the app, which starts the backend (in embedded
// mode: opens, migrates and seeds the database) and logs the mode. We make that first request
// ourselves, so the log appears at start-up and the first visitor does not wait for it.
// `--demo` (npm start): in embedded mode, switch the dev mailbox on unless it was set either way,
// so a newcomer can sign in with the demo accounts. The start-up log says so.
import http from 'node:http';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

if (process.argv.includes('--demo') && !process.env.SUPABASE_URL && process.env.PORTAL_DEV_MAILBOX === undefined) {
  process.env.PORTAL_DEV_MAILBOX = '1';
}
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
// A server, not a development build: React (the few islands rendered on the server) loads its
// production code, not its development checks (issue 24: start-up and render time).
process.env.NODE_ENV ??= 'production';
// Node keeps the compiled server code on disk (in the system's temp folder) for the next start.
module.enableCompileCache?.();
// The build's pre-migrated PGlite data folder: a fresh data folder starts as a copy of it.
process.env.PORTAL_PGLITE_TEMPLATE ??= fileURLToPath(new URL('../dist/pglite-template', import.meta.url));
// Stopping (Ctrl-C, a service manager's SIGTERM) first closes an embedded PGlite database (what
// a running transaction does is finished; PostgreSQL writes its shutdown checkpoint, so the next
// start skips crash recovery), for at most 5 s; then the process ends the ordinary way, so that
// Node's exit work runs (a --cpu-prof profile is written, for one). A second signal ends it at once.
const STOP = Symbol.for('portal.stop');
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    const stop = globalThis[STOP];
    const waited = new Promise((resolve) => setTimeout(resolve, 5000));
    Promise.race([typeof stop === 'function' ? Promise.resolve().then(stop) : undefined, waited])
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
}
const entry = new URL('../dist/server/entry.mjs', import.meta.url);
const { handler, options } = await import(entry.href);
const loadedAt = Math.round(performance.now());
const port = Number(process.env.PORT ?? options.port ?? 4321);
const host = process.env.HOST ?? (typeof options.host === 'string' ? options.host : 'localhost');
const FAST = Symbol.for('portal.fastPath');
// PORTAL_FAST_PATH=off: every request goes through Astro (for comparing, bench/leaflets.ts).
const fastPathOn = process.env.PORTAL_FAST_PATH !== 'off';

const server = http.createServer((req, res) => {
  const fast = fastPathOn ? globalThis[FAST] : undefined;
  const answer = fast ? fast({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }) : null;
  if (!answer) {
    handler(req, res);
    return;
  }
  res.writeHead(answer.status, answer.headers.flat());
  res.end(answer.body ?? undefined);
});
server.keepAliveTimeout = 65_000;
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, host, resolve);
});
const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
console.log(
  `Server listening on http://${shown.includes(':') ? `[${shown}]` : shown}:${port} (Node and the server code loaded in ${loadedAt} ms)`,
);
// By node:http, not fetch: fetch would load undici's HTTP client (and its WebAssembly parser)
// into every start for this one request (issue 24).
/** @returns {Promise<'ok' | 'not ok' | 'no answer'>} */
const health = () =>
  new Promise((resolve) => {
    http
      .get({ hostname: shown, port, path: '/healthz' }, (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? 'ok' : 'not ok');
      })
      .on('error', () => resolve('no answer'));
  });
for (let attempt = 0; attempt < 50; attempt++) {
  const answer = await health();
  if (answer === 'ok') break;
  if (answer === 'no answer') await new Promise((resolve) => setTimeout(resolve, 100));
}
