// Embedded start-up time: from `node scripts/serve.mjs` to the first answered page, with a
// fresh data folder (cold: create, migrate, seed) and with the same folder again (warm).
// Run: npm run bench:startup (after a build). Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 3);
const PORT = Number(process.env.PORT ?? 4600);

/**
 * The CPU time (user + system, ms) a process has used so far, from /proc (Linux): on a machine
 * others keep busy, the wall-clock start-up grows with their load, the CPU a start costs much less.
 */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

const cpu: { cold: number[]; warm: number[] } = { cold: [], warm: [] };

async function startOnce(dataDir: string, kind: 'cold' | 'warm'): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, PORT: String(PORT), HOST: 'localhost', PORTAL_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const response = await fetch(`http://localhost:${PORT}/nl/`);
        if (response.ok) {
          await response.text();
          const wall = performance.now() - started;
          cpu[kind].push(cpuMs(child.pid));
          return wall;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
      if (performance.now() - started > 60_000) throw new Error('no answer within 60 s');
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'portal-bench-'));
  cold.push(await startOnce(dir, 'cold'));
  warm.push(await startOnce(dir, 'warm'));
  rmSync(dir, { recursive: true, force: true });
}
const fmt = (xs: number[]) => `median ${(median(xs) / 1000).toFixed(2)} s (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`;
console.log(`embedded cold start (fresh .data, to first answered page): ${fmt(cold)}   aim < 3 s`);
console.log(`embedded warm start (existing .data, to first answered page): ${fmt(warm)}   aim < 1 s`);
console.log(
  `CPU time of the server process to the first page (user + system), median: cold ${(median(cpu.cold) / 1000).toFixed(2)} s, warm ${(median(cpu.warm) / 1000).toFixed(2)} s (load ${loadavg()[0]!.toFixed(1)})`,
);
// BENCH_JSON: the medians (ms) for bench/all.ts.
if (process.env.BENCH_JSON)
  writeFileSync(
    process.env.BENCH_JSON,
    JSON.stringify({
      cold: median(cold),
      warm: median(warm),
      coldRuns: cold,
      warmRuns: warm,
      coldCpu: median(cpu.cold),
      warmCpu: median(cpu.warm),
    }),
  );
