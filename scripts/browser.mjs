// Finds the Chromium the browser tests run in, and (run as a script) brings one when there is none:
//   node scripts/browser.mjs          prints the path, installing a browser when none is found
//   import { findChromium } from …    the path, or null; never installs
// In order: CHROMIUM_PATH; Chromium's headless shell from the system (Debian's
// chromium-headless-shell: the same engine without the desktop browser around it, which takes
// about a third less CPU per test); a Chromium or Chrome from the system (Debian's package, a
// distro's, Google's); Playwright's own download. To bring one: as root with apt, Debian's headless
// shell (also where a full Chromium is already there); else Playwright's installer, then Debian's
// full package. When nothing works it stops with one sentence saying what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HEADLESS_SHELL = 'chromium-headless-shell';
const SYSTEM = [HEADLESS_SHELL, 'chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path && executable(path) ? path : null;
}

async function playwrightsOwn() {
  try {
    const { chromium } = await import('playwright-core');
    const path = chromium.executablePath();
    return path && executable(path) ? path : null;
  } catch {
    return null;
  }
}

/** The Chromium to use, or null. Never installs anything. */
export async function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  for (const name of SYSTEM) {
    const path = onPath(name);
    if (path) return path;
  }
  return playwrightsOwn();
}

/** The last line of an error output that says something (not a lone brace of a stack dump). */
function lastSentence(stderr) {
  const lines = (stderr ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /[A-Za-z]{3}/.test(l));
  return (lines.find((l) => /error|fail|denied|not found|cannot|unable/i.test(l)) ?? lines.at(-1) ?? 'no output').slice(0, 200);
}

function attempt(label, command, args) {
  process.stderr.write(`browser: ${label}…\n`);
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) process.stderr.write(`browser: that did not work (${lastSentence(run.stderr)})\n`);
  return run.status === 0;
}

async function ensureChromium() {
  const found = await findChromium();
  if (process.env.CHROMIUM_PATH) {
    if (found) return found;
    throw new Error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which is not an executable browser.`);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!onPath(HEADLESS_SHELL) && isRoot && onPath('apt-get')) {
    const apt = `apt-get install -y --no-install-recommends ${HEADLESS_SHELL} fonts-noto-core`;
    if (attempt('installing Debian’s Chromium headless shell with apt-get', 'sh', ['-c', `${apt} || (apt-get update && ${apt})`])) {
      const shell = await findChromium();
      if (shell) return shell;
    }
  }
  if (found) return found;
  if (attempt('no Chromium found; trying Playwright’s own download', 'npx', ['--no-install', 'playwright', 'install', 'chromium'])) {
    const own = await playwrightsOwn();
    if (own) return own;
  }
  if (isRoot && onPath('apt-get')) {
    if (
      attempt('installing Debian’s chromium with apt-get', 'sh', [
        '-c',
        'apt-get install -y --no-install-recommends chromium fonts-noto-core || (apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-core)',
      ])
    ) {
      const system = await findChromium();
      if (system) return system;
    }
  }
  throw new Error(
    'The browser tests need Chromium and none could be found or installed: install Chromium (Debian: apt-get install chromium) or run `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium or Chrome.',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const path = await ensureChromium();
    const version = (() => {
      try {
        return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        return 'version unknown';
      }
    })();
    console.log(`browser: ${path} (${version})`);
  } catch (err) {
    console.error(`browser: ${err.message}`);
    process.exit(1);
  }
}
