// npm test: everything CI runs, in an order that uses both cores of a small machine.
//
//   1. at the same time:
//        the checks, the build, then vitest's http layer (it serves the build; astro check is
//                                                  mostly one core, the http files mostly wait)
//        the db suite on PostgreSQL 17, the Supabase CLI check, the browser, vitest's unit tests
//                                                  (mostly waiting on PostgreSQL servers and apt)
//   2. at the same time:
//        Playwright against the built server      (two browsers and the server: about 1.6 cores,
//                                                  the rest is waiting on pages and timers)
//        vitest: the db suite on PGlite, one file at a time
//                                                  (one core at most)
//
// In each step the second line runs with its output kept aside and printed, under its own
// heading, when it ends; the first prints as it goes. Any step that fails fails the whole run,
// after both lines of its step have finished. Each step's time is printed at the end.
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

/** Runs two lines of steps at the same time; the second's output is printed when both are done. */
async function together(title: string, front: Array<[string, string]>, side: Array<[string, string]>): Promise<void> {
  const [f, s] = await Promise.all([inOrder(front), inOrder(side, true)]);
  console.log(`\n──── ${title} ────\n`);
  for (const r of s) process.stdout.write(r.output);
  all.push(...f, ...s);
  if (![...f, ...s].every((r) => r.ok) || f.length < front.length || s.length < side.length) finish(false);
}

await together(
  'db suite on PostgreSQL 17, Supabase CLI check, browser, unit tests (ran beside the checks)',
  [
    ['check (astro, i18n, language, biome)', 'npm run check'],
    ['build', 'npx astro build'],
    ['vitest: http layer', 'npx vitest run --project http'],
  ],
  [
    ['db suite on PostgreSQL 17', 'npm run test:db:postgres17'],
    ['Supabase CLI push and lint', 'npm run test:supabase'],
    ['browser', 'node scripts/browser.mjs'],
    ['vitest: unit', 'npx vitest run --project unit'],
  ],
);
await together(
  'vitest: db suite on PGlite (ran beside Playwright)',
  [['Playwright', 'npx playwright test']],
  [
    // One file at a time: beside two browsers, a second would only take their core.
    ['vitest: db suite on PGlite', 'npx vitest run --project db --maxWorkers=1'],
  ],
);
finish(true);
