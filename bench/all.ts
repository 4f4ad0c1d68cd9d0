// Every figure of issue 24 in one table: start-up (cold and warm, median of three), the
// teachers' pages under 20 readers (p50/p95 as people read and flat out), the leaflet reader
// under load, and the JavaScript bytes of each kind of page. Each bench runs on its own, one
// after the other; the machine's load (uptime's 1-minute average) is printed beside each, since
// a busy machine moves every figure. Run: npm run bench (builds first).
// Under scripts/with-postgres.sh, the teachers' pages are measured on PostgreSQL as well.
// Environment: PORT (the benches' own defaults otherwise), SKIP (comma list: startup, leaflets,
// needs, bytes).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'portal-bench-all-'));
const skip = new Set((process.env.SKIP ?? '').split(',').filter(Boolean));
const load = () => loadavg()[0]!.toFixed(1);

function run<T>(name: string, file: string, env: Record<string, string> = {}): { value: T | null; load: string } {
  if (skip.has(name)) return { value: null, load: '' };
  const out = join(dir, `${name}-${Object.keys(env).join('-') || 'default'}.json`);
  const before = load();
  console.log(`— ${name}${env.BENCH_POSTGRES ? ' (PostgreSQL)' : ''} (load ${before}) —`);
  const result = spawnSync(process.execPath, [file], { env: { ...process.env, ...env, BENCH_JSON: out }, stdio: 'inherit' });
  const after = load();
  if (result.status !== 0) {
    console.log(`${name}: did not complete`);
    return { value: null, load: `${before}–${after}` };
  }
  return { value: JSON.parse(readFileSync(out, 'utf8')) as T, load: `${before}–${after}` };
}

type Startup = { cold: number; warm: number; coldCpu: number; warmCpu: number };
type Needs = {
  database: string;
  results: { page: string; how: 'read' | 'flat'; p50: number; p95: number; rps: number; cpu: number }[];
};
type Leaflets = { reader: { p50: number; p95: number; rps: number }; staticFile: { p50: number; p95: number }; connections: number };
type Bytes = { kind: string; who: string; files: number; raw: number; gz: number }[];

const startup = run<Startup>('startup', 'bench/startup.ts');
const leaflets = run<Leaflets>('leaflets', 'bench/leaflets.ts');
const needs = run<Needs>('needs', 'bench/needs.ts');
const needsPg = process.env.TEST_DATABASE_URL ? run<Needs>('needs', 'bench/needs.ts', { BENCH_POSTGRES: '1' }) : null;
const bytes = run<Bytes>('bytes', 'bench/bytes.ts');
rmSync(dir, { recursive: true, force: true });

const rows: [string, string, string, string][] = [];
const ms = (x: number) => `${x.toFixed(0)} ms`;
const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
if (startup.value) {
  rows.push([
    'embedded cold start to the first page (median of 3)',
    `${s(startup.value.cold)} (CPU ${s(startup.value.coldCpu)})`,
    '< 3 s',
    startup.load,
  ]);
  rows.push([
    'embedded warm start to the first page (median of 3)',
    `${s(startup.value.warm)} (CPU ${s(startup.value.warmCpu)})`,
    '< 1 s',
    startup.load,
  ]);
}
for (const n of [needs, needsPg]) {
  if (!n?.value) continue;
  for (const r of n.value.results) {
    rows.push([
      `${r.page}, 20 readers, ${r.how === 'read' ? 'as people read' : 'flat out'} (${n.value.database})`,
      `p50 ${ms(r.p50)} · p95 ${ms(r.p95)} · ${r.rps.toFixed(0)}/s · CPU ${r.cpu.toFixed(1)} ms/page`,
      r.how === 'read' ? 'p95 < 50 ms' : '',
      n.load,
    ]);
  }
}
if (leaflets.value) {
  const l = leaflets.value;
  rows.push([
    `leaflet reader, ${l.connections} connections flat out`,
    `p50 ${ms(l.reader.p50)} · p95 ${ms(l.reader.p95)} · ${l.reader.rps.toFixed(0)}/s (static file p95 ${ms(l.staticFile.p95)})`,
    'p95 ≤ 1.2 × static',
    leaflets.load,
  ]);
}
if (bytes.value) {
  for (const b of bytes.value) {
    const aimed = b.who === 'pupil' || b.kind.startsWith('preparation');
    rows.push([
      `JavaScript: ${b.kind} (${b.who})`,
      `${(b.raw / 1024).toFixed(1)} KB, ${(b.gz / 1024).toFixed(1)} KB gz`,
      aimed ? '≤ 15 KB gz' : '',
      bytes.load,
    ]);
  }
}
const HEAD = ['what', 'measured', 'aim', 'load'] as const;
const width = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i as 0 | 1 | 2 | 3].length)));
const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
console.log(
  `\nIssue 24's figures (${new Date().toISOString().slice(0, 16)}Z, load: uptime's 1-minute average before–after each bench, on ${navigator.hardwareConcurrency} cores)`,
);
console.log(line(HEAD));
console.log(line(width.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
