// Finds the Chromium the browser tests run in, and (run as a script) brings one when there is none:
//   node scripts/browser.mjs          prints the paths, installing what is missing
//   import { findChromium } from …    the path, or null; never installs
// Most tests run in Chromium's headless shell when the system has one (Debian's
// chromium-headless-shell: the same engine without the desktop browser around it, about a third
// less CPU per test). What the shell cannot do (it refuses notifications, so Web Push) runs in a
// full Chromium: findFullChromium. In order: CHROMIUM_PATH (for both); the system's headless
// shell; a Chromium or Chrome from the system (Debian's, a distro's, Google's); Playwright's own
// download. To bring one: Playwright's installer, then, as root with apt, Debian's package; as
// root with apt, the headless shell too. When nothing works it stops with one sentence saying
// what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

const HEADLESS_SHELL = 'chromium-headless-shell';

/** How the tests start it: no sandbox (containers), no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const FULL = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

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

/** A full Chromium or Chrome, or null. Never installs anything. */
export async function findFullChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  for (const name of FULL) {
    const path = onPath(name);
    if (path) return path;
  }
  return playwrightsOwn();
}

/** The Chromium most tests run in (the headless shell where there is one), or null. Never installs. */
export async function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return executable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  return onPath(HEADLESS_SHELL) ?? findFullChromium(env);
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

async function ensureFullChromium() {
  const found = await findFullChromium();
  if (found) return found;
  if (process.env.CHROMIUM_PATH) {
    throw new Error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which is not an executable browser.`);
  }
  if (attempt('no Chromium found; trying Playwright’s own download', 'npx', ['--no-install', 'playwright', 'install', 'chromium'])) {
    const own = await playwrightsOwn();
    if (own) return own;
  }
  if (isRoot() && onPath('apt-get')) {
    if (attempt('installing Debian’s chromium with apt-get', 'sh', ['-c', apt('chromium fonts-noto-core')])) {
      const system = await findFullChromium();
      if (system) return system;
    }
  }
  throw new Error(
    'The browser tests need Chromium and none could be found or installed: install Chromium (Debian: apt-get install chromium) or run `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium or Chrome.',
  );
}

/** The headless shell where apt can bring it; else the tests run in the full browser, only slower. */
async function ensureHeadlessShell() {
  if (process.env.CHROMIUM_PATH || onPath(HEADLESS_SHELL) || !isRoot() || !onPath('apt-get')) return;
  attempt('installing Debian’s Chromium headless shell with apt-get', 'sh', ['-c', apt(`${HEADLESS_SHELL} fonts-noto-core`)]);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const apt = (packages) =>
  `apt-get install -y --no-install-recommends ${packages} || (apt-get update && apt-get install -y --no-install-recommends ${packages})`;

function versionOf(path) {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'version unknown';
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const full = await ensureFullChromium();
    await ensureHeadlessShell();
    const most = (await findChromium()) ?? full;
    console.log(`browser: ${most} (${versionOf(most)})${most === full ? '' : `; Web Push in ${full}`}`);
  } catch (err) {
    console.error(`browser: ${err.message}`);
    process.exit(1);
  }
}
