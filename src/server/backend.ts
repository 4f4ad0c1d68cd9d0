import { parseCookieHeader } from './cookies.ts';
import { loadConfig, redactUrl, type Config } from './config.ts';
import { embeddedAdminDb, embeddedBackend, embeddedServiceStorage, startEmbedded, type EmbeddedRuntime } from './embedded/index.ts';
import { startNightlyBackups } from './embedded/backup.ts';
import type { Backend, Db, RequestScope } from './port.ts';
import { invalidatePublicPages } from './page-cache.ts';
import { RPC } from '~/domain/rpc/index.ts';
import { embeddedHasSession } from './embedded/auth.ts';
import { purgeSentMail } from './mail/index.ts';
import { mailRuntime, startMail, stopMail } from './mail/runtime.ts';
import { notificationsMayWait, startNotifications, stopNotifications } from './notify/runtime.ts';
import { watchPublicPages } from './public-pages-version.ts';
import { startRetention } from './retention.ts';
import { supabaseHasSession } from './supabase/session.ts';
import { serverSecret } from './secret.ts';
import { publicUrl, setSite } from './site.ts';
import { syncTemplates, templatesContentKey } from './templates.ts';
import { recordStartKey, startKey } from './embedded/start-keys.ts';
import { schemaFiles, schemaKey } from './embedded/migrate.ts';
import { translationStatus } from './written-translation.ts';

/**
 * The one backend of this server process: chosen from the environment at start-up (see
 * config.ts), then bound to each request's cookies. Logs carry no personal data.
 */
type Runtime = { config: Config; secret: Buffer; embedded?: EmbeddedRuntime; supabase?: typeof import('./supabase/index.ts') };

let runtime: Promise<Runtime> | undefined;

/**
 * What waited in the outbox and the notifications due at start-up are looked at this long after
 * the start, so the first page has the (single-threaded, embedded) database to itself. Mail
 * queued meanwhile still goes at once.
 */
const BACKGROUND_AFTER_MS = 2000;

export function log(line: string): void {
  console.log(`[portal] ${line}`);
}

async function boot(): Promise<Runtime> {
  const started = performance.now();
  const config = loadConfig();
  setSite(config.site);
  const translation = translationStatus();
  if (config.mode === 'supabase') {
    // supabase-js loads in this mode only: an embedded start has no use for it (issue 24).
    const supabase = await import('./supabase/index.ts');
    const { supabaseAdminDb, supabaseRemoveFile } = supabase;
    const admin = supabaseAdminDb(config);
    const synced = await syncTemplates(admin);
    const demo = await admin.rpc('seed_demo_leaflets', {});
    log(
      `Supabase mode: project ${config.supabase!.url}; ${synced} template(s) updated${demo ? `, ${demo} demo leaflet(s) published` : ''}`,
    );
    log(translation);
    startMail({ config, log });
    process.once('exit', stopMail);
    const secret = serverSecret(config);
    // Notifications: claimed from the Supabase database like any instance's, mailed by SMTP.
    startNotifications({ config, admin, transport: mailRuntime()?.transport ?? null, secret, url: publicUrl, log });
    process.once('exit', stopNotifications);
    startRetention({ admin, removeFile: supabaseRemoveFile(config), log, notified: notificationsMayWait });
    watchPublicPages(admin, invalidatePublicPages);
    return { config, secret, supabase };
  }
  const embedded = await startEmbedded(config);
  const admin: Db = embeddedAdminDb(embedded);
  const mark = performance.now();
  // The leaflet templates are synced when the content or the schema changed since the last
  // start that synced them (or the database is new): most starts skip it.
  const contentKey = `${templatesContentKey()}:${schemaKey(schemaFiles())}`;
  const unchanged = !embedded.report.seeded && (await startKey(embedded.owner, 'leaflet-templates')) === contentKey;
  const synced = unchanged ? 0 : await syncTemplates(admin);
  if (!unchanged) await recordStartKey(embedded.owner, 'leaflet-templates', contentKey);
  if (embedded.report.seeded) await admin.rpc('seed_demo_leaflets', {});
  embedded.phases[embedded.report.seeded ? 'leaflets synced and published' : unchanged ? 'leaflets unchanged' : 'leaflets synced'] =
    Math.round(performance.now() - mark);
  const where =
    config.mode === 'pglite'
      ? `PGlite, data in ${embedded.dataDir}`
      : `PostgreSQL at ${redactUrl(config.databaseUrl!)}, files in ${embedded.dataDir}`;
  const what = embedded.report.fresh
    ? `a new database${embedded.report.seeded ? ' with the demo school' : ''}`
    : `${embedded.report.applied.length} new migration(s) applied`;
  const phases = Object.entries(embedded.phases)
    .map(([name, ms]) => `${name} ${ms} ms`)
    .join(', ');
  log(
    `embedded mode (${where}): ${what}, ${synced} leaflet template(s) updated, ready in ${Math.round(performance.now() - started)} ms${phases ? ` (${phases})` : ''}`,
  );
  // Another instance may share a PostgreSQL database; PGlite is this process's alone.
  if (config.mode !== 'pglite') watchPublicPages(admin, invalidatePublicPages);
  startNightlyBackups(embedded, log); // PGlite only: nightly backups, and npm run backup's requests
  if (config.site.devMailbox) {
    log(`dev mailbox on (PORTAL_DEV_MAILBOX=1): sign-in mails land at ${publicUrl('/dev/mailbox')}, readable only on this machine`);
  } else {
    log('dev mailbox off: set PORTAL_DEV_MAILBOX=1 to read sign-in mails on this machine (npm start does, for the demo)');
  }
  log(`public address (links in mails, letters and QR codes): ${config.site.publicUrl.origin}`);
  log(translation);
  // The outbox's dispatcher: sends by SMTP (or to the dev mailbox), stopped when the process ends.
  startMail({ config, owner: embedded.owner, log, firstAfterMs: BACKGROUND_AFTER_MS });
  process.once('exit', stopMail);
  const secret = serverSecret(config);
  // Notifications: rendered and handed to the outbox in the transaction that marks them sent.
  startNotifications({
    config,
    admin,
    owner: embedded.owner,
    transport: mailRuntime()?.transport ?? null,
    secret,
    url: publicUrl,
    log,
    firstAfterMs: BACKGROUND_AFTER_MS,
  });
  process.once('exit', stopNotifications);
  // Retention: what has done its work goes (see retention.ts); sent mails after 7 days.
  startRetention({
    admin,
    purgeEmbedded: async (now) => {
      const rows = await embedded.owner.transaction((sql) =>
        sql.query<{ kind: string; removed: number }>('select * from embedded_auth.purge_expired($1)', [now.toISOString()]),
      );
      return [...rows, { kind: 'sent_mails', removed: await purgeSentMail(new Date(now.getTime() - 7 * 86_400_000)) }];
    },
    removeFile: (bucket, name) => embeddedServiceStorage(embedded).remove(bucket, name),
    log,
    notified: notificationsMayWait,
  });
  return { config, secret, embedded };
}

/** Starts the backend once per process (migrations run here in embedded mode). */
export function bootBackend(): Promise<Runtime> {
  runtime ??= boot().catch((err: unknown) => {
    // Settings that do not fit, a data folder in use or damaged: the operator gets one sentence
    // and the server stops, rather than answering every page with a 500.
    log(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    setTimeout(() => process.exit(1), 50);
    throw err;
  });
  return runtime;
}

function invalidating(db: Db): Db {
  return {
    async rpc(name, args) {
      const result = await db.rpc(name, args);
      if (RPC[name].changesPublicPages) invalidatePublicPages();
      return result;
    },
  };
}

export async function backendFor(scope: RequestScope): Promise<Backend> {
  const rt = await bootBackend();
  const backend = rt.embedded ? embeddedBackend(rt.embedded, scope, log) : rt.supabase!.supabaseBackend(rt.config, scope, log);
  return { ...backend, db: invalidating(backend.db), admin: invalidating(backend.admin) };
}

/** Whether a request carries a session cookie of the running mode (see AuthPort.hasSession). */
export function requestHasSession(mode: Config['mode'], cookieHeader: string | null): boolean {
  const names = parseCookieHeader(cookieHeader ?? '').map((c) => c.name);
  return mode === 'supabase' ? supabaseHasSession(names) : embeddedHasSession(names);
}

/** The embedded runtime, for the pages that exist only in embedded mode (the dev mailbox). */
export async function embeddedRuntime(): Promise<EmbeddedRuntime | undefined> {
  return (await bootBackend()).embedded;
}

/** The server's secret (see secret.ts), for what it seals for itself. */
export async function runtimeSecret(): Promise<Buffer> {
  return (await bootBackend()).secret;
}
