import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/browser.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT = Number(process.env.E2E_PORT ?? 4399);
// Every run starts from a fresh embedded database, so tests see the seed and nothing else. The
// runner makes it once (its workers load this file again and inherit the folder's name) and
// removes it when it ends, after the server has stopped: it holds the run's demo data.
if (!process.env.E2E_DATA_DIR) {
  const made = mkdtempSync(join(tmpdir(), 'portal-e2e-'));
  process.env.E2E_DATA_DIR = made;
  process.once('exit', () => rmSync(made, { recursive: true, force: true }));
}
const dataDir = process.env.E2E_DATA_DIR;

export default defineConfig({
  testDir: 'tests/e2e',
  globalTeardown: './tests/e2e/global-teardown.ts',
  outputDir: 'test-results/e2e',
  fullyParallel: true,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  timeout: 60_000,
  use: {
    baseURL: `http://localhost:${PORT}`,
    // A trace records every action's page for the trace viewer: about a tenth of the run's CPU
    // (issue 24), for every test, to keep the few that fail. A failure keeps its screenshot and
    // the page's accessibility tree (error-context.md) anyway; to debug one with the trace viewer,
    // run it again with E2E_TRACE=1.
    trace: process.env.E2E_TRACE ? { mode: 'retain-on-failure', screenshots: false } : 'off',
    screenshot: 'only-on-failure',
    // The leaflets' offline worker (public/sw.js) keeps a whole school's list in the background on
    // every visit; tests about something else do not wait for it. The tests about offline reading,
    // the reader's scripts and requests to other hosts allow it (test.use).
    serviceWorkers: 'block',
    launchOptions: {
      // `npm run test:e2e` brings a browser first (scripts/browser.mjs); this finds the same one.
      executablePath: (await findChromium()) ?? undefined,
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined }, dependencies: ['setup'] },
  ],
  webServer: [
    {
      // A stand-in for a LibreTranslate server, so the editor's machine translation is tested end to end.
      command: `node tests/fakes/serve-libretranslate.ts ${PORT - 1}`,
      url: `http://127.0.0.1:${PORT - 1}/__health`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // Its log is kept for the check after the run: no personal data in it (global-teardown.ts).
      command: 'mkdir -p test-results && node scripts/serve.mjs 2>&1 | tee test-results/e2e-server.log',
      url: `http://localhost:${PORT}/nl/`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        PORT: String(PORT),
        HOST: 'localhost',
        PORTAL_DATA_DIR: dataDir,
        // The tests read sign-in codes from the dev mailbox.
        PORTAL_DEV_MAILBOX: '1',
        // The dev clock (scheduled notifications at a moved time) and a fake push service on this
        // machine (tests/e2e/notifications.spec.ts); refused by the server anywhere else.
        PORTAL_TEST_MODE: '1',
        // Every test signs in from this one machine, like a school's parents on its Wi-Fi.
        PORTAL_CLIENT_LIMIT_FACTOR: '10',
        LIBRETRANSLATE_URL: `http://127.0.0.1:${PORT - 1}`,
        TRANSLATE_TIMEOUT_MS: '3000',
        // Lets tests stay under the sign-in rate limits without waiting.
        NODE_ENV: 'production',
      },
      stdout: 'pipe',
    },
  ],
});
