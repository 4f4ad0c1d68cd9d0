// npm test: everything CI runs, in an order that uses both cores of a small machine.
//
//   1. at the same time:
//        the checks, then the build               (astro check is mostly one core)
//        the db suite on PostgreSQL 17, the Supabase CLI check, the browser
//                                                  (mostly waiting on PostgreSQL servers and apt)
//   2. vitest: unit, db on PGlite, http (a file per core; the http files need the build)
//   3. Playwright against the built server
//
// The first step's second line runs with its output kept aside and printed, under its own
// heading, when it ends; the rest prints as it goes. Any step that fails fails the whole run,
// after step 1 has finished both of its lines. Each step's time is printed at the end.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Result {
  name: string;
  ok: boolean;
  seconds: number;
}

function run(name: string, command: string, quiet = false): Promise<Result & { output: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, { cwd: root, shell: true, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stderr?.on('data', (c: Buffer) => chunks.push(c));
    child.on('close', (code) =>
      resolve({
        name,
        ok: code === 0,
        seconds: (performance.now() - started) / 1000,
        output: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  });
}

async function inOrder(steps: Array<[string, string]>, quiet = false): Promise<Array<Result & { output: string }>> {
  const results: Array<Result & { output: string }> = [];
  for (const [name, command] of steps) {
    const result = await run(name, command, quiet);
    results.push(result);
    if (!result.ok) break;
  }
  return results;
}

const all: Result[] = [];
const started = performance.now();
const finish = (ok: boolean): never => {
  console.log('\nnpm test: time per step');
  for (const r of all) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(34)} ${r.seconds.toFixed(0).padStart(5)} s`);
  console.log(`       ${'all, wall clock'.padEnd(34)} ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s`);
  process.exit(ok ? 0 : 1);
};

const [front, side] = await Promise.all([
  inOrder([
    ['check (astro, i18n, language, biome)', 'npm run check'],
    ['build', 'npx astro build'],
  ]),
  inOrder(
    [
      ['db suite on PostgreSQL 17', 'npm run test:db:postgres17'],
      ['Supabase CLI push and lint', 'npm run test:supabase'],
      ['browser', 'node scripts/browser.mjs'],
    ],
    true,
  ),
]);
console.log('\n──── db suite on PostgreSQL 17, Supabase CLI check, browser (ran beside the checks) ────\n');
for (const r of side) process.stdout.write(r.output);
all.push(...front, ...side);
if (![...front, ...side].every((r) => r.ok) || front.length < 2 || side.length < 3) finish(false);

for (const [name, command] of [
  ['vitest (unit, db on PGlite, http)', 'npx vitest run'],
  ['Playwright', 'npx playwright test'],
] as Array<[string, string]>) {
  const result = await run(name, command);
  all.push(result);
  if (!result.ok) finish(false);
}
finish(true);
