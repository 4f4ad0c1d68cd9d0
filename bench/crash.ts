// Crash safety of embedded mode: the server is killed (SIGKILL, no goodbye) at a random moment
// while an editor keeps saving, 20 times; after each restart, no acknowledged save may be lost
// and the server must start.
//   npm run bench:crash   (builds first)
// Prints figures; asserts nothing. Environment: RUNS (20), PORT (4630), BENCH_VERBOSE.
//
// The writer is the school's admin saving a leaflet paragraph through the real form (an Astro
// Action, post → redirect → get), one save after the other. A save is acknowledged when the
// server answered with its redirect; each save raises the leaflet's revision by one. After a
// restart the editor page says the revision the database holds: fewer than acknowledged = lost.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 20);
const PORT = Number(process.env.PORT ?? 4630);
const origin = `http://localhost:${PORT}`;
const ADMIN = 'directie@regenboog.example';
const dataDir = mkdtempSync(join(tmpdir(), 'portal-bench-crash-'));
let server: ChildProcess | null = null;

function start(): ChildProcess {
  return spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, PORT: String(PORT), HOST: 'localhost', PORTAL_DATA_DIR: dataDir, PORTAL_DEV_MAILBOX: '1' },
    stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
  });
}
process.on('exit', () => {
  server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Milliseconds until the server answers, or null when it did not within a minute. */
async function waitForServer(): Promise<number | null> {
  const started = performance.now();
  for (let i = 0; i < 600; i++) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) return null;
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return performance.now() - started;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

const jar = new Map<string, string>();
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${origin}${path}`, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), Cookie: cookieHeader(), Origin: origin },
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const [k, ...v] = pair!.split('=');
    jar.set(k!.trim(), v.join('='));
  }
  return res;
}
const formAction = (html: string, name: string) =>
  new RegExp(`action="([^"]*_action=${name.replace('.', '\\.')}[^"]*)"`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';

// A fresh portal, and the admin signed in the way a person does (a code by mail).
server = start();
if ((await waitForServer()) === null) throw new Error('the server did not start');
await send(formAction(await (await send('/nl/sign-in')).text(), 'auth.sendCode'), {
  method: 'POST',
  body: new URLSearchParams({ email: ADMIN }),
});
const mailbox = await (await send('/dev/mailbox')).text();
const code = /\b(\d{6})\b/.exec(mailbox.split(`data-to="${ADMIN}"`)[1] ?? '')?.[1] ?? '';
await send(formAction(await (await send('/nl/sign-in/code')).text(), 'auth.verifyCode'), {
  method: 'POST',
  body: new URLSearchParams({ code }),
});
const list = await (await send('/nl/s/demo/admin/leaflets')).text();
const editor = /href="(\/nl\/s\/demo\/admin\/leaflets\/[0-9a-f-]{36})"/.exec(list)?.[1];
if (!editor) throw new Error('could not sign in or find a leaflet to edit');

/** The paragraph's form on the editor page: its action, block id and the leaflet's revision. */
async function editorState(): Promise<{ action: string; block: string; revision: number }> {
  const html = await (await send(`${editor}?edit=nl`)).text();
  const action = formAction(html, 'leaflets.saveSource');
  const form = html.slice(html.indexOf(action.replaceAll('&', '&amp;')));
  const block = /name="block" value="([0-9a-f-]{36})"/.exec(form)?.[1] ?? '';
  const revision = Number(/name="revision" value="(\d+)"/.exec(form)?.[1] ?? Number.NaN);
  return { action, block, revision };
}

let acknowledged = 0;
let lost = 0;
let failedStarts = 0;
let unreadable = 0;
const restarts: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const state = await editorState();
  let revision = state.revision;
  let highestAcked = revision;
  let stop = false;
  // The writer: one save after the other until the server is gone.
  const writer = (async () => {
    let n = 0;
    while (!stop) {
      n++;
      try {
        const res = await send(state.action, {
          method: 'POST',
          body: new URLSearchParams({ block: state.block, revision: String(revision), text: `Run ${run}, save ${n}: tekst voor ouders.` }),
        });
        if (res.status === 303 || res.status === 302) {
          revision++;
          highestAcked = revision;
          acknowledged++;
        }
      } catch {
        return; // the server is gone
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 300 + Math.random() * 1500));
  server.kill('SIGKILL');
  await new Promise((r) => server!.once('exit', r));
  stop = true;
  await writer;

  server = start();
  const took = await waitForServer();
  if (took === null) {
    failedStarts++;
    console.log(`run ${run}: the server did not start again`);
    break;
  }
  restarts.push(took);
  const after = await editorState();
  if (Number.isNaN(after.revision)) {
    unreadable++;
    continue;
  }
  if (after.revision < highestAcked) lost += highestAcked - after.revision;
}
server?.kill('SIGTERM');

const sorted = restarts.toSorted((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
console.log(`crash safety: ${RUNS} kills (SIGKILL) at random moments while the admin saved a leaflet, embedded mode (PGlite)`);
console.log(`  acknowledged saves: ${acknowledged}   lost after restart: ${lost}   aim 0`);
console.log(`  starts that failed: ${failedStarts}   aim 0${unreadable ? `   editor unreadable after restart: ${unreadable}` : ''}`);
console.log(`  restart to first answer: median ${(median / 1000).toFixed(2)} s, slowest ${((sorted.at(-1) ?? 0) / 1000).toFixed(2)} s`);
