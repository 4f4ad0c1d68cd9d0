// Serves the built portal. Astro's standalone server starts when its entry is imported;
// the first request then loads the app, which starts the backend (in embedded mode: opens,
// migrates and seeds the database) and logs the mode. We make that first request ourselves,
// so the log appears at start-up and the first visitor does not wait for it.
// `--demo` (npm start): in embedded mode, switch the dev mailbox on unless it was set either way,
// so a newcomer can sign in with the demo accounts. The start-up log says so.
if (process.argv.includes('--demo') && !process.env.SUPABASE_URL && process.env.PORTAL_DEV_MAILBOX === undefined) {
  process.env.PORTAL_DEV_MAILBOX = '1';
}
const entry = new URL('../dist/server/entry.mjs', import.meta.url);
const { options } = await import(entry.href);
const port = Number(process.env.PORT ?? options.port ?? 4321);
const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : 'localhost';
for (let attempt = 0; attempt < 50; attempt++) {
  try {
    const response = await fetch(`http://${host}:${port}/healthz`);
    if (response.ok) break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Stopping (Ctrl-C, a service manager's SIGTERM) ends the process the ordinary way, so that
// Node's exit work runs (a --cpu-prof profile is written, for one).
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
