// npm test: everything CI runs, in two lines that use both cores of a small machine.
//
//   the checks, the build, then Playwright against the built server
//        (astro check is one core; two browsers and the server about 1.6 cores, the rest is
//         waiting on pages and timers)
//   beside them: the browser, the db suite on PostgreSQL 17, the Supabase CLI check, vitest's unit
//   tests; once the build is there, vitest's http layer (it serves the build) and the db suite on
//   PGlite, one file at a time
//        (mostly waiting on PostgreSQL servers; one core at most)
//
// Playwright waits for the browser, the http layer for the build; nothing else waits. The first
// line prints as it goes; the second's output is kept aside and printed, under its own heading,
// when both are done. A line stops at its first failure (and a step waiting on it does not run);
// any failure fails the run. Each step's time is printed at the end.
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

const all: Result[] = [];
const started = performance.now();
const finish = (ok: boolean): never => {
  console.log('\nnpm test: time per step');
  for (const r of all) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(34)} ${r.seconds.toFixed(0).padStart(5)} s`);
  console.log(`       ${'all, wall clock'.padEnd(34)} ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s`);
  process.exit(ok ? 0 : 1);
};

/** A step's line waits here for a step of the other line (the build, the browser). */
function gate(): { open: (ok: boolean) => void; passed: Promise<boolean> } {
  let open = (_ok: boolean) => {};
  const passed = new Promise<boolean>((resolve) => {
    open = resolve;
  });
  return { open, passed };
}
const built = gate();
const browser = gate();

/** Runs steps one after the other until one fails; `after` steps first wait for their gates. */
async function line(
  steps: Array<[string, string] | ['after', Promise<boolean>[]]>,
  quiet: boolean,
  opens: Record<string, ReturnType<typeof gate>>,
) {
  const results: Array<Result & { output: string }> = [];
  let ok = true;
  for (const step of steps) {
    if (step[0] === 'after') {
      ok = (await Promise.all(step[1] as Promise<boolean>[])).every(Boolean);
      if (!ok) break;
      continue;
    }
    const [name, command] = step as [string, string];
    const result = await run(name, command, quiet);
    results.push(result);
    opens[name]?.open(result.ok);
    ok = result.ok;
    if (!ok) break;
  }
  // A gate this line never reached stays shut for the other line.
  for (const g of Object.values(opens)) g.open(false);
  return { results, ok };
}

const [front, side] = await Promise.all([
  line(
    [
      ['check (astro, i18n, language, biome)', 'npm run check'],
      ['build', 'npx astro build'],
      ['after', [browser.passed]],
      ['Playwright', 'npx playwright test'],
    ],
    false,
    { build: built },
  ),
  line(
    [
      ['browser', 'node scripts/browser.mjs'],
      ['db suite on PostgreSQL 17', 'npm run test:db:postgres17'],
      ['Supabase CLI push and lint', 'npm run test:supabase'],
      ['vitest: unit', 'npx vitest run --project unit'],
      ['after', [built.passed]],
      // It serves the build.
      ['vitest: http layer', 'npx vitest run --project http'],
      // One file at a time: beside two browsers, a second would only take their core.
      ['vitest: db suite on PGlite', 'npx vitest run --project db --maxWorkers=1'],
    ],
    true,
    { browser },
  ),
]);
console.log(
  '\n──── db suites on PostgreSQL 17 and PGlite, Supabase CLI check, unit and http tests (ran beside the checks and Playwright) ────\n',
);
for (const r of side.results) process.stdout.write(r.output);
all.push(...front.results, ...side.results);
finish(front.ok && side.ok);
