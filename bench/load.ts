// A whole school's evening at once: 200 anonymous readers of the leaflets and 20 signed-in people
// saving (16 parents each preparing their own meeting, 4 staff editing leaflets), for 5 minutes,
// against the built server in embedded mode (PGlite) and then, in the same run, against a local
// PostgreSQL server (DATABASE_URL) when one is installed. Then a short step test per database:
// parents saving without pause, 10 → 80 at once, to find where saving slows down.
//   npm run bench:load   (builds first)
// Prints figures; asserts nothing. Environment: DURATION (300 s), READERS (200), STEP_SECONDS (20),
// PORT (4640), PG_PORT (54339), ONLY (pglite | postgres), BENCH_VERBOSE.
//
// Readers behave like parents on a phone: open the school's list or a leaflet in one of the six
// languages, read for 0.5–2 s, open the next. Writers save through the real forms (Astro Actions,
// post → redirect → get) every 1–3 s; a save counts when the server answered with its redirect.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DURATION = Number(process.env.DURATION ?? 300) * 1000;
const READERS = Number(process.env.READERS ?? 200);
const STEP_SECONDS = Number(process.env.STEP_SECONDS ?? 20);
const PORT = Number(process.env.PORT ?? 4640);
const PG_PORT = Number(process.env.PG_PORT ?? 54339);
const origin = `http://localhost:${PORT}`;
const LANGS = ['nl', 'ar', 'en', 'uk', 'pl', 'tr'];
const PARENTS = 16;
const SCHOOL = '00000000-0000-4000-8000-000000000001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- A server to measure ---------------------------------------------------------------------------

interface Target {
  label: string;
  env: Record<string, string>;
  /** Runs SQL as the owner while the server is stopped (the extra parents). */
  sql: (script: string) => Promise<void>;
  cleanup: () => void;
}

function pgliteTarget(): Target {
  const dataDir = mkdtempSync(join(tmpdir(), 'portal-bench-load-'));
  return {
    label: 'embedded (PGlite)',
    env: { PORTAL_DATA_DIR: dataDir },
    async sql(script) {
      const { PGlite } = await import('@electric-sql/pglite');
      const db = await PGlite.create({ dataDir: join(dataDir, 'pglite') });
      await db.exec(script);
      await db.close();
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

function postgresBin(): string | null {
  for (const d of existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`) : []) {
    if (existsSync(`${d}/initdb`)) return d;
  }
  return null;
}

function postgresTarget(bin: string): Target {
  const dir = mkdtempSync(join(tmpdir(), 'portal-bench-pg-'));
  const root = process.getuid?.() === 0;
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0);
  const as = (cmd: string, args: string[]) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
  as(`${bin}/initdb`, ['-D', `${dir}/data`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C.UTF-8']);
  // A server as a school would run it: durable commits (fsync and synchronous_commit on).
  as(`${bin}/pg_ctl`, [
    '-D',
    `${dir}/data`,
    '-l',
    `${dir}/server.log`,
    '-w',
    '-o',
    `-c listen_addresses=127.0.0.1 -c port=${PG_PORT} -c unix_socket_directories=''`,
    'start',
  ]);
  execFileSync(`${bin}/psql`, ['-h', '127.0.0.1', '-p', String(PG_PORT), '-U', 'postgres', '-qc', 'create database portal']);
  const url = `postgres://postgres@127.0.0.1:${PG_PORT}/portal`;
  const filesDir = mkdtempSync(join(tmpdir(), 'portal-bench-pgfiles-'));
  return {
    label: 'PostgreSQL 15 (DATABASE_URL)',
    env: { DATABASE_URL: url, PORTAL_DATA_DIR: filesDir },
    async sql(script) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(script);
      await client.end();
    },
    cleanup() {
      try {
        as(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

function startServer(target: Target): ChildProcess {
  return spawn(process.execPath, ['scripts/serve.mjs'], {
    env: {
      ...process.env,
      ...target.env,
      PORT: String(PORT),
      HOST: 'localhost',
      PORTAL_DEV_MAILBOX: '1',
      // Everyone here comes from one address: as a school whose parents share one Wi-Fi.
      PORTAL_CLIENT_LIMIT_FACTOR: '50',
    },
    stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
  });
}

async function waitForServer(server: ChildProcess): Promise<void> {
  for (let i = 0; i < 900; i++) {
    if (server.exitCode !== null) throw new Error('the server stopped while starting');
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error('the server did not start within 90 s');
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}

/** Resident memory of the server process, in MB. */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb ?? 0) / 1024);
}

/** 16 parents, each with a child in Groep 3 or 6 and a meeting next week to prepare. */
function extraParents(): string {
  const rows: string[] = [];
  for (let i = 0; i < PARENTS; i++) {
    const n = String(i).padStart(3, '0');
    const user = `10000000-0000-4000-8000-000000009${n}`;
    const meeting = `50000000-0000-4000-8000-000000009${n}`;
    const klass = i < 10 ? '20000000-0000-4000-8000-000000000003' : '20000000-0000-4000-8000-000000000006';
    const pupil = i < 10 ? `30000000-0000-4000-8000-00000000030${i}` : `30000000-0000-4000-8000-00000000060${i - 10}`;
    const email = `ouder${n}@bench.example`;
    rows.push(`
      insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
        recovery_token, email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
      values ('00000000-0000-0000-0000-000000000000', '${user}', 'authenticated', 'authenticated', '${email}', '', now(), '', '', '', '',
        '{"provider":"email","providers":["email"]}', '{}', now(), now());
      insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
      values ('${user}', '${user}', '{"sub":"${user}","email":"${email}","email_verified":true}', 'email', now(), now());
      insert into public.profiles (user_id, display_name, email, locale) values ('${user}', 'Ouder ${n}', '${email}', '${LANGS[i % 6]}');
      insert into public.memberships (school_id, user_id, role) values ('${SCHOOL}', '${user}', 'parent');
      insert into public.guardian_links (school_id, pupil_id, parent_user_id) values ('${SCHOOL}', '${pupil}', '${user}');
      insert into public.meetings (id, school_id, kind, status, starts_at, minutes, place, created_by)
      values ('${meeting}', '${SCHOOL}', 'progress', 'planned', now() + interval '7 days', 20, 'Lokaal', '10000000-0000-4000-8000-000000000002');
      insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values ('${meeting}', '${pupil}', '${klass}');
      insert into public.meeting_people (meeting_id, user_id, role) values ('${meeting}', '${user}', 'parent');`);
  }
  return rows.join('\n');
}

// --- People -------------------------------------------------------------------------------------

class Session {
  jar = new Map<string, string>();
  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${origin}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        Cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        Origin: origin,
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      this.jar.set(k!.trim(), v.join('='));
    }
    return res;
  }
}
const formAction = (html: string, name: string) =>
  new RegExp(`action="([^"]*_action=${name.replace('.', '\\.')}[^"]*)"`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';

async function signIn(email: string): Promise<Session> {
  const s = new Session();
  await s.send(formAction(await (await s.send('/nl/sign-in')).text(), 'auth.sendCode'), {
    method: 'POST',
    body: new URLSearchParams({ email }),
  });
  const mailbox = await (await s.send('/dev/mailbox')).text();
  const code = /\b(\d{6})\b/.exec(mailbox.split(`data-to="${email}"`)[1] ?? '')?.[1] ?? '';
  const res = await s.send(formAction(await (await s.send('/nl/sign-in/code')).text(), 'auth.verifyCode'), {
    method: 'POST',
    body: new URLSearchParams({ code }),
  });
  if (res.status !== 303 && res.status !== 302) throw new Error(`could not sign in ${email.replace(/@.*/, '@…')}`);
  return s;
}

// --- Measuring ----------------------------------------------------------------------------------

class Stats {
  times = new Map<string, number[]>();
  errors = new Map<string, number>();
  add(kind: string, ms: number, ok: boolean) {
    if (!ok) this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    const list = this.times.get(kind) ?? [];
    list.push(ms);
    this.times.set(kind, list);
  }
}
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

async function timed(
  stats: Stats,
  kind: string,
  run: () => Promise<Response>,
  okStatus: (s: number) => boolean,
): Promise<{ status: number; text: string } | null> {
  const started = performance.now();
  try {
    const res = await run();
    const text = await res.text();
    stats.add(kind, performance.now() - started, okStatus(res.status));
    return { status: res.status, text };
  } catch {
    stats.add(kind, performance.now() - started, false);
    return null;
  }
}

const isRedirect = (s: number) => s === 302 || s === 303;

/** A parent's writer: saves the first preparation screen, again and again, through the form. */
function parentWriter(session: Session, meeting: string, lang: string) {
  let n = 0;
  return async (stats: Stats) => {
    n++;
    const page = await timed(
      stats,
      'signed-in page',
      () => session.send(`/${lang}/app/meetings/${meeting}/prepare/1`),
      (s) => s === 200,
    );
    if (!page) return;
    const action = formAction(page.text, 'meetings.prepare');
    const body = new URLSearchParams({ topic: 'strengths', text: `Hij helpt graag, keer ${n}.`, go: 'next' });
    body.append('choices', 'kind');
    body.append('choices', n % 2 ? 'curious' : 'reading');
    await timed(stats, 'save preparation', () => session.send(action, { method: 'POST', body }), isRedirect);
  };
}

/** A staff writer: saves one paragraph of one leaflet (its own), as the editor does. */
function staffWriter(session: Session, editor: string) {
  let n = 0;
  return async (stats: Stats) => {
    n++;
    const res = await timed(
      stats,
      'signed-in page',
      () => session.send(`${editor}?edit=nl`),
      (s) => s === 200,
    );
    if (!res) return;
    const html = res.text;
    const action = formAction(html, 'leaflets.saveSource');
    const form = html.slice(html.indexOf(action.replaceAll('&', '&amp;')));
    const block = /name="block" value="([0-9a-f-]{36})"/.exec(form)?.[1] ?? '';
    const revision = /name="revision" value="(\d+)"/.exec(form)?.[1] ?? '0';
    await timed(
      stats,
      'save leaflet',
      () =>
        session.send(action, { method: 'POST', body: new URLSearchParams({ block, revision, text: `Tekst voor ouders, versie ${n}.` }) }),
      isRedirect,
    );
  };
}

async function runLoad(target: Target) {
  const server = startServer(target);
  await waitForServer(server);
  await stopServer(server);
  await target.sql(extraParents());
  const live = startServer(target);
  await waitForServer(live);

  // The readers' pages: the school's list and its leaflets, in six languages.
  const list = await (await fetch(`${origin}/nl/s/demo/leaflets`)).text();
  const slugs = [...new Set([...list.matchAll(/href="\/nl\/s\/demo\/leaflets\/([a-z0-9-]+)"/g)].map((m) => m[1]!))];
  const readerPaths = LANGS.flatMap((l) => [`/${l}/s/demo/leaflets`, ...slugs.map((s) => `/${l}/s/demo/leaflets/${s}`)]);

  const writers: Array<(stats: Stats) => Promise<void>> = [];
  for (let i = 0; i < PARENTS; i++) {
    const n = String(i).padStart(3, '0');
    writers.push(parentWriter(await signIn(`ouder${n}@bench.example`), `50000000-0000-4000-8000-000000009${n}`, LANGS[i % 6]!));
  }
  const admin = await signIn('directie@regenboog.example');
  const editors = [
    ...(await (await admin.send('/nl/s/demo/admin/leaflets')).text()).matchAll(/href="(\/nl\/s\/demo\/admin\/leaflets\/[0-9a-f-]{36})"/g),
  ]
    .map((m) => m[1]!)
    .filter((v, i, all) => all.indexOf(v) === i);
  for (let i = 0; i < 4; i++) writers.push(staffWriter(admin, editors[i % editors.length]!));

  // Warm up, then measure.
  for (const p of readerPaths) await fetch(`${origin}${p}`).then((r) => r.arrayBuffer());
  const memStart = rssMb(live.pid!);
  let memPeak = memStart;
  const memEvery: number[] = [];
  let ticks = 0;
  const memTimer = setInterval(() => {
    const now = rssMb(live.pid!);
    memPeak = Math.max(memPeak, now);
    if (++ticks % 30 === 0) memEvery.push(now);
  }, 2000);
  const stats = new Stats();
  const until = Date.now() + DURATION;
  const started = performance.now();
  const readerLoops = Array.from({ length: READERS }, async () => {
    await sleep(Math.random() * 2000);
    while (Date.now() < until) {
      const path = readerPaths[Math.floor(Math.random() * readerPaths.length)]!;
      await timed(
        stats,
        path.endsWith('/leaflets') ? 'leaflet list' : 'leaflet',
        () => fetch(`${origin}${path}`),
        (s) => s === 200,
      );
      await sleep(500 + Math.random() * 1500);
    }
  });
  const writerLoops = writers.map(async (write) => {
    await sleep(Math.random() * 3000);
    while (Date.now() < until) {
      await write(stats);
      await sleep(1000 + Math.random() * 2000);
    }
  });
  await Promise.all([...readerLoops, ...writerLoops]);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(memTimer);
  const memEnd = rssMb(live.pid!);

  // Step test: parents saving their preparation without pause, more and more at once (beyond 16,
  // two at a time on one account: each save is the whole screen, so they never conflict).
  const parents = writers.slice(0, PARENTS);
  const steps: Array<{ writers: number; saves: number; p95: number; errors: number }> = [];
  for (const count of [10, 20, 40, 80]) {
    const step = new Stats();
    const stepUntil = Date.now() + STEP_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const write = parents[i % parents.length]!;
        while (Date.now() < stepUntil) await write(step);
      }),
    );
    const saves = [...step.times].filter(([k]) => k.startsWith('save')).flatMap(([, v]) => v);
    const errors = [...step.errors].filter(([k]) => k.startsWith('save')).reduce((a, [, v]) => a + v, 0);
    steps.push({
      writers: count,
      saves: saves.length / STEP_SECONDS,
      p95: pct(
        saves.toSorted((a, b) => a - b),
        95,
      ),
      errors,
    });
  }
  await stopServer(live);
  return { stats, seconds, memStart, memEnd, memPeak, memEvery, steps };
}

// --- The run --------------------------------------------------------------------------------------

const targets: Target[] = [];
if (process.env.ONLY !== 'postgres') targets.push(pgliteTarget());
const bin = postgresBin();
if (process.env.ONLY !== 'pglite') {
  if (bin) targets.push(postgresTarget(bin));
  else console.log('No PostgreSQL server installed (apt-get install postgresql): measuring embedded mode only.');
}
const results: Array<{ label: string } & Awaited<ReturnType<typeof runLoad>>> = [];
try {
  for (const target of targets) results.push({ label: target.label, ...(await runLoad(target)) });
} finally {
  for (const t of targets) t.cleanup();
}

const kinds = ['leaflet', 'leaflet list', 'signed-in page', 'save preparation', 'save leaflet'];
console.log(
  `load: ${READERS} anonymous readers (0.5–2 s reading between pages) and 20 writers (16 parents, 4 staff; a save every 1–3 s), ${DURATION / 1000} s each`,
);
for (const r of results) {
  const total = [...r.stats.times.values()].reduce((a, v) => a + v.length, 0);
  const errors = [...r.stats.errors.values()].reduce((a, v) => a + v, 0);
  console.log(`\n${r.label}: ${(total / r.seconds).toFixed(0)} requests/s, errors ${errors} (aim 0)`);
  console.log('  kind               requests      p50      p95      p99   errors');
  for (const kind of kinds) {
    const sorted = (r.stats.times.get(kind) ?? []).toSorted((a, b) => a - b);
    if (sorted.length === 0) continue;
    const f = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;
    console.log(
      `  ${kind.padEnd(17)} ${String(sorted.length).padStart(9)} ${f(pct(sorted, 50))} ${f(pct(sorted, 95))} ${f(pct(sorted, 99))} ${String(r.stats.errors.get(kind) ?? 0).padStart(8)}`,
    );
  }
  console.log(`  server memory: ${r.memStart} MB at start, ${r.memEnd} MB at the end (peak ${r.memPeak} MB)`);
  console.log(`  memory every minute: ${r.memEvery.join(', ')} MB`);
  console.log(`  parents saving their preparation without pause (${STEP_SECONDS} s per step, readers stopped):`);
  for (const s of r.steps)
    console.log(
      `    ${String(s.writers).padStart(3)} at once: ${s.saves.toFixed(1).padStart(6)} saves/s, p95 ${s.p95.toFixed(0).padStart(5)} ms, errors ${s.errors}`,
    );
}
