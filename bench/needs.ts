// The teacher's class overview, the school view, one pupil's page and the coach's
// groepsbespreking for a school of 1,000 pupils in 40 classes, under 20 concurrent readers.
//   npm run bench:needs   (builds first)
// Prints figures; asserts nothing. Environment: READERS (20), SECONDS (10), PORT (4620).
// On a PostgreSQL server instead of the embedded database:
//   scripts/with-postgres.sh env BENCH_POSTGRES=1 node bench/needs.ts
//
// The school is the demo school grown to 40 classes of 25 pupils, each class with an open round
// (with a goal) that 22 of its pupils answered, an earlier closed round on the same goal, and a
// groepsplan from the open round's circles (one pupil in ten in an earring), written
// straight into a fresh data folder's database while the server is stopped. Times are measured at the client on the same machine:
// the server's time plus a loopback round trip.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

const READERS = Number(process.env.READERS ?? 20);
const SECONDS = Number(process.env.SECONDS ?? 10);
const PORT = Number(process.env.PORT ?? 4620);
const origin = `http://localhost:${PORT}`;
const SCHOOL = '00000000-0000-4000-8000-000000000001';
const ADMIN = 'directie@regenboog.example';
const CLASSES = 40;
const PUPILS_PER_CLASS = 25;
const ANSWERED_PER_CLASS = 22;

const dataDir = mkdtempSync(join(tmpdir(), 'portal-bench-needs-'));
const postgres = process.env.BENCH_POSTGRES ? { api: process.env.TEST_DATABASE_URL, admin: process.env.TEST_DATABASE_ADMIN_URL } : null;
if (postgres && (!postgres.api || !postgres.admin))
  throw new Error('BENCH_POSTGRES needs scripts/with-postgres.sh (TEST_DATABASE_URL and TEST_DATABASE_ADMIN_URL)');
const database = postgres ? { DATABASE_URL: postgres.api!, DATABASE_ADMIN_URL: postgres.admin!, PORTAL_SEED: 'true' } : {};
let server: ChildProcess | null = null;

function start(): ChildProcess {
  // BENCH_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the server's time goes.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeArgs, 'scripts/serve.mjs'], {
    env: { ...process.env, ...database, PORT: String(PORT), HOST: 'localhost', PORTAL_DATA_DIR: dataDir, PORTAL_DEV_MAILBOX: '1' },
    stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
  });
}
async function stopServer(): Promise<void> {
  if (!server) return;
  const s = server;
  server = null;
  await new Promise<void>((resolve) => {
    s.once('exit', () => resolve());
    s.kill('SIGTERM');
  });
}
process.on('exit', () => {
  server?.kill('SIGTERM');
  if (process.env.BENCH_KEEP) console.log(`data kept in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
});

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

// 1. A fresh portal: migrated and seeded with the demo school.
server = start();
await waitForServer();
await fetch(`${origin}/nl/`);
await stopServer();

// 2. The demo school grown to 1,000 pupils in 40 classes, each with an answered round.
const grown = performance.now();
type Rows<T> = { rows: T[] };
const db: { exec(sql: string): Promise<unknown>; query<T>(sql: string): Promise<Rows<T>>; close(): Promise<unknown> } = postgres
  ? await (async () => {
      const client = new pg.Client({ connectionString: postgres.admin });
      await client.connect();
      return {
        exec: (sql: string) => client.query(sql),
        query: <T>(sql: string) => client.query(sql) as unknown as Promise<Rows<T>>,
        close: () => client.end(),
      };
    })()
  : await PGlite.create({ dataDir: join(dataDir, 'pglite') });
await db.exec(`
  insert into public.classes (id, school_id, name, school_year)
  select ('21000000-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid, '${SCHOOL}', 'Bench ' || c, '2026-2027'
  from generate_series(1, ${CLASSES}) c;
  insert into public.pupils (school_id, class_id, first_name)
  select '${SCHOOL}', ('21000000-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid, 'Kind ' || c || '-' || p
  from generate_series(1, ${CLASSES}) c, generate_series(1, ${PUPILS_PER_CLASS}) p;
  insert into public.need_rounds (school_id, class_id, goal)
  select '${SCHOOL}', ('21000000-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid, 'Tafel van ' || (c % 10 + 1)
  from generate_series(1, ${CLASSES}) c;
  insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, goal_step, tops, tips)
  select r.id, p.id, r.school_id, r.class_id,
         (select coalesce(array_agg(n order by i), '{}') from unnest(private.need_ids()) with ordinality as u(n, i)
           where (hashtext(p.id::text || n) & 7) < 3),
         (private.goal_steps())[1 + (abs(hashtext(p.id::text)) % 4)],
         '{look}', '{more-time}'
  from public.need_rounds r
  join lateral (
    select * from public.pupils p where p.class_id = r.class_id order by p.first_name limit ${ANSWERED_PER_CLASS}
  ) p on true
  where r.class_id::text like '21000000-%';
  -- An earlier round on the same goal: some pupils say "not yet" twice.
  insert into public.need_rounds (school_id, class_id, goal, opened_at, closed_at)
  select school_id, class_id, goal, now() - interval '40 days', now() - interval '30 days'
  from public.need_rounds where class_id::text like '21000000-%';
  insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, goal_step)
  select r.id, p.id, r.school_id, r.class_id, '{look,group}', (private.goal_steps())[1 + (abs(hashtext(p.id::text || 'x')) % 4)]
  from public.need_rounds r join public.pupils p on p.class_id = r.class_id
  where r.class_id::text like '21000000-%' and r.closed_at is not null;
  -- Each class's groepsplan, from the open round's circles.
  insert into public.group_plans (school_id, class_id, round_id, goal_round_id, period, evaluate_on)
  select school_id, class_id, id, id, 'Periode 2', current_date + 30
  from public.need_rounds where class_id::text like '21000000-%' and closed_at is null;
  insert into public.group_plan_pupils (plan_id, pupil_id, circle)
  select g.id, p.id, (array['very-intensive', 'intensive', 'intensive', 'intensive', 'basis', 'basis', 'basis', 'basis', 'basis', 'basis',
                             'basis', 'basis', 'basis', 'basis', 'basis', 'basis', 'deepened', 'deepened', 'deepened', 'very-deepened'])[1 + abs(hashtext(p.id::text)) % 20]
  from public.group_plans g join public.pupils p on p.class_id = g.class_id
  where g.class_id::text like '21000000-%';
  insert into public.group_plan_circles (plan_id, circle, goal, instruction, practice, shared_needs)
  select g.id, c, 'Doel ' || c, 'Voordoen in kleine stappen', 'Oefenen in tweetallen', '{look}'
  from public.group_plans g cross join unnest(private.plan_circles()) c
  where g.class_id::text like '21000000-%';
`);
const [{ pupils }] = (await db.query<{ pupils: number }>(`select count(*)::int as pupils from public.pupils where school_id = '${SCHOOL}'`))
  .rows as [{ pupils: number }];
const [{ classes }] = (
  await db.query<{ classes: number }>(`select count(*)::int as classes from public.classes where school_id = '${SCHOOL}'`)
).rows as [{ classes: number }];
const rounds = (
  await db.query<{ class_id: string; id: string }>(
    `select class_id, id from public.need_rounds where class_id::text like '21000000-%' order by class_id`,
  )
).rows;
const benchPupils = (
  await db.query<{ id: string }>(`select id from public.pupils where class_id::text like '21000000-%' order by first_name`)
).rows;
await db.close();
console.log(
  `school: ${pupils} pupils in ${classes} classes, ${rounds.length} rounds answered by ${ANSWERED_PER_CLASS} of ${PUPILS_PER_CLASS} (written in ${((performance.now() - grown) / 1000).toFixed(1)} s)`,
);

// 3. The portal again, and an admin signed in the way a person does (a code by mail).
server = start();
await waitForServer();
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
const formOf = async (path: string) => {
  const html = await (await send(path)).text();
  return /<form[^>]*class="form"[^>]*action="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
};
await send(await formOf('/nl/sign-in'), { method: 'POST', body: new URLSearchParams({ email: ADMIN }) });
const mailbox = await (await send('/dev/mailbox')).text();
const code = /\b(\d{6})\b/.exec(mailbox.split(`data-to="${ADMIN}"`)[1] ?? '')?.[1];
await send(await formOf('/nl/sign-in/code'), { method: 'POST', body: new URLSearchParams({ code: code ?? '' }) });
if ((await send('/nl/app')).status !== 200) throw new Error('could not sign in');

// 4. Readers: each GETs one page after another as the signed-in admin.
const agent = new http.Agent({ keepAlive: true, maxSockets: READERS });
function get(path: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: 'localhost', port: PORT, path, agent, headers: { Cookie: cookieHeader() } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${path}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
  });
}
// CPU time spent serving (less moved by other work on the machine than wall time): the server
// process's own, and on PostgreSQL also the postmaster's and its backends' (live and reaped).
// Linux /proc only; elsewhere 0. Clock ticks of 10 ms.
const ticks = (pid: number, withChildren: boolean): number => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
  } catch {
    return 0;
  }
};
let postmaster = 0;
if (postgres && existsSync('/proc')) {
  const c = new pg.Client({ connectionString: postgres.admin });
  await c.connect();
  const { rows } = await c.query<{ dir: string }>(`select current_setting('data_directory') as dir`);
  await c.end();
  try {
    postmaster = Number(readFileSync(join(rows[0]!.dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    postmaster = 0; // not readable by this user: the server process's CPU only
  }
}
function cpuMs(): number {
  let t = server?.pid ? ticks(server.pid, true) : 0;
  if (postmaster) {
    t += ticks(postmaster, true);
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(postmaster)) t += ticks(Number(pid), false);
      } catch {
        // gone
      }
    }
  }
  return t * 10;
}
// BENCH_TRACE=<file>: every request (page, reader, its n-th, start ms, took ms), to see where a tail comes from.
const trace: string[] | null = process.env.BENCH_TRACE ? [] : null;
let traceName = '';
/** Each reader opens a page after the other; with `pause`, waits that long (±50 %) in between, as a person reading. */
async function load(paths: () => string, seconds: number, pause = 0) {
  const latencies: number[] = [];
  const cpuBefore = cpuMs();
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: READERS }, async (_, reader) => {
      let seq = 0;
      // People reading do not all click in the same millisecond: each reader's first page comes
      // at a random moment within one pause, as later ones do. (Before, all 20 first requests
      // left at once: a burst of 20 queued behind each other, 10 % of a 10-second sample and
      // all of its p95; that burst is the flat-out measure's.)
      if (pause) await new Promise((r) => setTimeout(r, pause * Math.random()));
      while (performance.now() < until) {
        const at = performance.now() - started;
        const took = await get(paths());
        latencies.push(took);
        trace?.push(`${traceName}\t${reader}\t${seq++}\t${at.toFixed(1)}\t${took.toFixed(1)}`);
        if (pause) await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random())));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (cpuMs() - cpuBefore) / latencies.length;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { p50: at(50), p95: at(95), rps: latencies.length / elapsed, n: latencies.length, cpu, load: loadavg()[0]! };
}

let next = 0;
const overview = () => {
  const r = rounds[next++ % rounds.length]!;
  return `/nl/s/demo/admin/classes/${r.class_id}/rounds/${r.id}`;
};
const schoolView = () => '/nl/s/demo/admin/needs';
let nextPupil = 0;
const pupilPage = () => `/nl/s/demo/admin/pupils/${benchPupils[nextPupil++ % benchPupils.length]!.id}`;
const groupDiscussion = () => '/nl/s/demo/admin/group-discussion';

for (const path of [overview(), schoolView(), pupilPage(), groupDiscussion()]) {
  const started = performance.now();
  const res = await send(path);
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  const html = await res.text();
  console.log(`  one request, alone (cold): ${path} ${(performance.now() - started).toFixed(0)} ms, ${html.length} B`);
  // BENCH_HTML=<folder>: keep each page, to see what its bytes are.
  if (process.env.BENCH_HTML) writeFileSync(join(process.env.BENCH_HTML, `${path.split('/')[5]}.html`), html);
}
await load(overview, 2);
await load(schoolView, 2);
await load(pupilPage, 2);
await load(groupDiscussion, 2);
const ms = (x: number) => `${x.toFixed(1)} ms`;
const line = (name: string, r: Awaited<ReturnType<typeof load>>) =>
  console.log(
    `  ${name.padEnd(36)} p50 ${ms(r.p50)}  p95 ${ms(r.p95)}  ${r.rps.toFixed(0)} req/s  (${r.n} requests)  CPU ${r.cpu.toFixed(1)} ms/page  load ${r.load.toFixed(1)}`,
  );
console.log(
  `${READERS} concurrent readers, ${SECONDS} s per measure, signed in as the school's admin, database: ${postgres ? 'PostgreSQL server' : 'embedded (PGlite)'}`,
);
const results: { page: string; how: 'read' | 'flat'; p50: number; p95: number; rps: number; cpu: number; load: number }[] = [];
// PAGES: only these (comma list of overview, school, pupil, group), e.g. for a profile of one page.
const pages = new Set((process.env.PAGES ?? 'overview,school,pupil,group').split(','));
const kindOf = new Map<() => string, string>([
  [overview, 'overview'],
  [schoolView, 'school'],
  [pupilPage, 'pupil'],
  [groupDiscussion, 'group'],
]);
const measure = async (page: string, paths: () => string, pause = 0) => {
  if (!pages.has(kindOf.get(paths)!)) return;
  traceName = `${page} ${pause ? 'read' : 'flat'}`;
  const r = await load(paths, SECONDS, pause);
  line(page, r);
  results.push({ page, how: pause ? 'read' : 'flat', p50: r.p50, p95: r.p95, rps: r.rps, cpu: r.cpu, load: r.load });
};
console.log(' as people read (each reader opens a page about once a second):');
await measure('class overview (one of 40 rounds)', overview, 1000);
await measure('school view (40 classes × 9 needs)', schoolView, 1000);
await measure('pupil page (one of 1,000)', pupilPage, 1000);
await measure('groepsbespreking (40 classes)', groupDiscussion, 1000);
console.log(' flat out (each reader opens the next page the moment one arrives; the server is saturated):');
await measure('class overview (one of 40 rounds)', overview);
await measure('school view (40 classes × 9 needs)', schoolView);
await measure('pupil page (one of 1,000)', pupilPage);
await measure('groepsbespreking (40 classes)', groupDiscussion);
// BENCH_JSON: the figures for bench/all.ts.
if (process.env.BENCH_JSON)
  writeFileSync(process.env.BENCH_JSON, JSON.stringify({ database: postgres ? 'PostgreSQL' : 'PGlite', results }));
if (trace && process.env.BENCH_TRACE) writeFileSync(process.env.BENCH_TRACE, `${trace.join('\n')}\n`);
agent.destroy();
await stopServer();
