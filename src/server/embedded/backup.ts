import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Config } from '~/server/config.ts';
import type { EmbeddedRuntime } from './index.ts';
import { type ArchiveEntry, MAX_ENTRY, readArchive, writeArchive } from './archive.ts';
import { DataFolderInUse, lockDataFolder } from './lock.ts';
import { MigrationChanged, MigrationMismatch, migrate } from './migrate.ts';
import { openPglite, type PgliteEngine, type Sql, type SqlEngine } from './sql.ts';

/**
 * Backups of embedded mode (PGlite): one `portal-backup-YYYYMMDD-HHMMSS.tar.gz` (UTC) holding
 * `manifest.json`, `database.tar` (PGlite's dumpDataDir) and `data/…` (every other file of the data
 * folder: the stored files under `storage/`, the server's `secret.key`).
 *
 * Consistent: the dump and a hard-linked copy of the files are taken while no transaction runs
 * (inside one of our own, which holds PGlite's transaction lock), and a stored file is written
 * inside the transaction that adds its row, so every row in the dump has its file.
 *
 * One process per data folder (lock.ts): `npm run backup` with the server stopped takes the folder
 * itself; with the server running it leaves a request file in the data folder, which the running
 * server answers (`startNightlyBackups` watches for it). `npm run restore` refuses while the server
 * runs. Logs and file names carry no personal data: counts, sizes and times only.
 */

export const BACKUP_FORMAT = 'hgw-portal-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** The school's clock, for the nightly backup at 02:30. */
export const SCHOOL_TIME_ZONE = 'Europe/Amsterdam';
const NIGHTLY_AT = '02:30';

const portalVersion = Object.values(import.meta.glob<string>('/package.json', { import: 'version', eager: true }))[0] ?? 'unknown';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  portalVersion: string;
  createdAt: string;
  database: {
    engine: 'pglite';
    /** The size of database.tar. */
    bytes: number;
    migrations: number;
    lastMigration: string | null;
    /** Rows per table (`schema.table`), counted in the same moment as the dump. */
    rows: Record<string, number>;
  };
  /** The data folder's other files (`data/…` in the archive). */
  files: { count: number; bytes: number };
}

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
}

/** The file given to restore is not a backup made by this portal (or not a whole one). */
export class NotAPortalBackup extends Error {
  override name = 'NotAPortalBackup';
}

/** A backup or restore that cannot go ahead, said in one sentence. */
export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

// ---------------------------------------------------------------------------------------------
// Names, listing, pruning

const BACKUP_NAME = /^portal-backup-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d{1,2}))?\.tar\.gz$/;

/** `20250101-013000` in UTC: the same every day of the year (no hour that happens twice). */
export function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export interface BackupFile {
  name: string;
  path: string;
  createdAt: Date;
}

/** The backups in `dir`, oldest first (other files there are left alone). */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found: Array<BackupFile & { seq: number }> = [];
  for (const name of names) {
    const m = BACKUP_NAME.exec(name);
    if (!m) continue;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    found.push({ name, path: join(dir, name), createdAt: new Date(Date.UTC(y, mo - 1, d, h, mi, s)), seq: Number(m[7] ?? 1) });
  }
  found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.seq - b.seq);
  return found.map(({ name, path, createdAt }) => ({ name, path, createdAt }));
}

/** Keeps the newest `keep` backups in `dir`; returns the names of the ones removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const old = all.slice(0, Math.max(0, all.length - Math.max(1, keep)));
  for (const b of old) rmSync(b.path, { force: true });
  return old.map((b) => b.name);
}

function freeName(dir: string, at: Date): string {
  for (let seq = 1; seq < 100; seq++) {
    const name = `portal-backup-${stamp(at)}${seq > 1 ? `-${seq}` : ''}.tar.gz`;
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, `.${name}.partial`))) return name;
  }
  throw new BackupRefused(`too many backups in the same second in ${dir}.`);
}

// ---------------------------------------------------------------------------------------------
// Making a backup

/** What is in the data folder besides the database, the lock and our own working files. */
const SKIPPED = /^(pglite|portal\.lock|backup-(staging|request|answer)-.*)$/;

async function filesOf(root: string, rel = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    if (rel === '' && SKIPPED.test(entry.name)) continue;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await filesOf(root, path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/** Hard links (a copy where links are not possible) of the data folder's files: a snapshot, taken in a moment. */
async function snapshotFiles(dataDir: string, staging: string): Promise<string[]> {
  const taken: string[] = [];
  for (const rel of await filesOf(dataDir)) {
    const to = join(staging, rel);
    await mkdir(dirname(to), { recursive: true });
    try {
      await link(join(dataDir, rel), to);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // removed after its row was: not in the database either
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
      await copyFile(join(dataDir, rel), to);
    }
    taken.push(rel);
  }
  return taken;
}

async function tableRows(sql: Sql): Promise<Record<string, number>> {
  const tables = await sql.query<{ name: string; ident: string }>(
    `select table_schema || '.' || table_name as name, format('%I.%I', table_schema, table_name) as ident
     from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
     order by 1`,
  );
  if (tables.length === 0) return {};
  const counts = await sql.query<{ name: string; n: number }>(
    tables.map((t, i) => `select $${i + 1}::text as name, count(*)::int as n from ${t.ident}`).join(' union all '),
    tables.map((t) => t.name),
  );
  return Object.fromEntries(counts.map((c) => [c.name, Number(c.n)]));
}

function isPglite(engine: SqlEngine): engine is PgliteEngine {
  return engine.kind === 'pglite' && typeof (engine as Partial<PgliteEngine>).dump === 'function';
}

/** Removes what an interrupted backup left: working folders (ours: we hold the data folder) and old partial archives. */
function clearLeftovers(dataDir: string, backupDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith('backup-staging-')) rmSync(join(dataDir, name), { recursive: true, force: true });
  }
  const hourAgo = Date.now() - 3600_000;
  for (const name of readdirSync(backupDir)) {
    if (!/^\.portal-backup-.*\.partial$/.test(name)) continue;
    try {
      if (statSync(join(backupDir, name)).mtimeMs < hourAgo) rmSync(join(backupDir, name), { force: true });
    } catch {
      // gone already
    }
  }
}

/**
 * Writes one backup of a database that is open in this process (the running server's, or the
 * script's with the server stopped) into `backupDir`.
 */
export async function writeBackup(
  source: { engine: SqlEngine; dataDir: string },
  backupDir: string,
  now = new Date(),
): Promise<BackupResult> {
  const { engine } = source;
  if (!isPglite(engine)) throw new BackupRefused('npm run backup is for embedded mode with PGlite (README, Backups).');
  const dataDir = resolve(source.dataDir);
  await mkdir(backupDir, { recursive: true, mode: 0o700 });
  clearLeftovers(dataDir, backupDir);
  const staging = join(dataDir, `backup-staging-${randomBytes(6).toString('hex')}`);
  let partial: string | null = null;
  try {
    // Our transaction holds PGlite's transaction lock: no other transaction runs, so the dump, the
    // counts and the files are of one moment. The checkpoint writes what is in memory to the files.
    const snap = await engine.transaction(async (sql) => {
      const rows = await tableRows(sql);
      const migrations = await sql.query<{ name: string }>('select name from embedded.schema_migrations order by name');
      await sql.exec('checkpoint');
      const dump = Buffer.from(await (await engine.dump()).arrayBuffer());
      await mkdir(staging);
      const files = await snapshotFiles(dataDir, staging);
      return { rows, migrations: migrations.map((m) => m.name), dump, files };
    });
    let bytes = 0;
    const sizes = await Promise.all(snap.files.map(async (rel) => (await stat(join(staging, rel))).size));
    for (const size of sizes) bytes += size;
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      portalVersion,
      createdAt: now.toISOString(),
      database: {
        engine: 'pglite',
        bytes: snap.dump.byteLength,
        migrations: snap.migrations.length,
        lastMigration: snap.migrations.at(-1) ?? null,
        rows: snap.rows,
      },
      files: { count: snap.files.length, bytes },
    };
    const name = freeName(backupDir, now);
    partial = join(backupDir, `.${name}.partial`);
    await writeArchive(partial, async (archive) => {
      const add = (entry: string, data: Uint8Array, mode: number, mtime: Date) => {
        if (data.byteLength >= MAX_ENTRY) throw new BackupRefused(`a file of ${data.byteLength} bytes is too large for a backup.`);
        return archive.add(entry, data, mode, mtime);
      };
      await add('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 0o644, now);
      await add('database.tar', snap.dump, 0o600, now);
      for (const rel of snap.files) {
        const file = join(staging, rel);
        const info = await stat(file);
        await add(`data/${rel}`, await readFile(file), info.mode, info.mtime);
      }
    });
    const file = join(backupDir, name);
    await rename(partial, file);
    partial = null;
    return { file, manifest };
  } finally {
    await rm(staging, { recursive: true, force: true });
    if (partial) await rm(partial, { force: true });
  }
}

function hasDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'pglite', 'PG_VERSION'));
}

const RUNNING_NOTE = (backupDir: string) =>
  `it makes its own backups into ${backupDir} every night when PORTAL_BACKUP_NIGHTLY=1; stop it to make one now`;

/**
 * `npm run backup`: with the server stopped, takes the data folder and backs it up; with the
 * server running, asks it for one (see requestBackupFromServer). Prunes to the newest `keep`.
 */
export async function backupDataFolder(
  config: Config,
  options: { now?: Date; request?: RequestOptions } = {},
): Promise<BackupResult & { removed: string[]; madeBy: 'this process' | 'the running server' }> {
  if (config.mode !== 'pglite' || !config.backup) {
    throw new BackupRefused(
      config.mode === 'supabase'
        ? 'npm run backup is for embedded mode: Supabase backs up the database itself (README, Backups).'
        : 'npm run backup is for embedded mode with PGlite: with DATABASE_URL, back up with pg_dump and copy the data folder (README, Backups).',
    );
  }
  const backup = config.backup;
  const dataDir = resolve(config.dataDir);
  if (!hasDatabase(dataDir))
    throw new BackupRefused(`there is no portal database in ${dataDir} to back up (start the portal once to make one).`);
  let release: () => void;
  try {
    release = lockDataFolder(dataDir);
  } catch (err) {
    if (!(err instanceof DataFolderInUse)) throw err;
    const { file } = await requestBackupFromServer(dataDir, backup.dir, options.request);
    const manifest = await readManifest(file);
    return { file, manifest, removed: [], madeBy: 'the running server' };
  }
  try {
    const engine = await openPglite({ dataDir: join(dataDir, 'pglite') });
    try {
      const result = await writeBackup({ engine, dataDir }, backup.dir, options.now);
      return { ...result, removed: pruneBackups(backup.dir, backup.keep), madeBy: 'this process' };
    } finally {
      await engine.close();
    }
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// Asking the running server (a request file in the data folder, which only this machine can write)

const REQUEST = /^backup-request-([0-9a-f]{16})\.json$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RequestOptions {
  /** How long the server has to pick the request up (it looks every second). */
  takeWithinMs?: number;
  /** How long a backup may take once picked up. */
  finishWithinMs?: number;
  pollMs?: number;
}

function lockHolder(dataDir: string): number | null {
  try {
    const pid = Number((JSON.parse(readFileSync(join(dataDir, 'portal.lock'), 'utf8')) as { pid: unknown }).pid);
    if (!Number.isInteger(pid)) return null;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
    }
    return pid;
  } catch {
    return null;
  }
}

/**
 * Leaves `backup-request-<id>.json` in the data folder and waits for the running server's
 * `backup-answer-<id>.json`. A server that does not pick it up in time (an older version, or not a
 * server) gets its request taken back, and the operator one sentence; a server that stops while
 * working is noticed by its lock.
 */
export async function requestBackupFromServer(dataDir: string, backupDir: string, options: RequestOptions = {}): Promise<{ file: string }> {
  const { takeWithinMs = 15_000, finishWithinMs = 30 * 60_000, pollMs = 250 } = options;
  const id = randomBytes(8).toString('hex');
  const request = join(dataDir, `backup-request-${id}.json`);
  const answer = join(dataDir, `backup-answer-${id}.json`);
  const pid = lockHolder(dataDir);
  writeFileSync(`${request}.tmp`, JSON.stringify({ requestedAt: new Date().toISOString() }), { mode: 0o600 });
  renameSync(`${request}.tmp`, request);
  const started = Date.now();
  for (;;) {
    if (existsSync(answer)) {
      const said = JSON.parse(readFileSync(answer, 'utf8')) as { ok: boolean; file?: string; error?: string };
      rmSync(answer, { force: true });
      if (said.ok && said.file) return { file: said.file };
      throw new BackupRefused(`the running portal could not make the backup: ${said.error ?? 'no reason given'}`);
    }
    const waiting = existsSync(request);
    if (waiting && Date.now() - started > takeWithinMs) {
      rmSync(request, { force: true });
      throw new BackupRefused(`the portal is running${pid ? ` (process ${pid})` : ''} and did not answer: ${RUNNING_NOTE(backupDir)}.`);
    }
    if (!waiting && lockHolder(dataDir) !== pid) {
      throw new BackupRefused(
        'the portal stopped while making the backup: start it again and retry, or run npm run backup while it is stopped.',
      );
    }
    if (Date.now() - started > finishWithinMs) {
      throw new BackupRefused(`the running portal did not finish the backup within ${Math.round(finishWithinMs / 60_000)} minutes.`);
    }
    await sleep(pollMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Nightly, in the running server

/** The school day a moment belongs to, for backups: the date in school time, the day turning at 02:30. */
export function schoolDay(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: SCHOOL_TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const [y, m, d] = [Number(parts.year), Number(parts.month), Number(parts.day)];
  const before = `${parts.hour}:${parts.minute}` < NIGHTLY_AT;
  return new Date(Date.UTC(y, m - 1, before ? d - 1 : d)).toISOString().slice(0, 10);
}

/**
 * Whether a scheduled backup is due: none yet; or, nightly, none since the last 02:30 school time
 * (also after a night the server was off, and on the nights the clocks change); or, with an
 * interval, none within it.
 */
export function backupDue(newest: Date | null, now: Date, everyMs?: number): boolean {
  if (!newest) return true;
  if (everyMs) return now.getTime() - newest.getTime() >= everyMs;
  return schoolDay(newest) < schoolDay(now);
}

export interface BackupSchedule {
  /** Stops the timers and waits for a backup in progress. */
  stop(): Promise<void>;
}

export interface ScheduleOptions {
  /** Instead of the setting's interval (tests). */
  everyMs?: number;
  /** How often the schedule looks whether a backup is due (default: a minute). */
  tickMs?: number;
  /** How often the server looks for a request of npm run backup (default: a second). */
  pollMs?: number;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * In the running server (PGlite mode): answers `npm run backup`'s requests, and with
 * PORTAL_BACKUP_NIGHTLY=1 makes a backup every night at 02:30 school time (or every
 * PORTAL_BACKUP_INTERVAL_MINUTES), keeping the newest PORTAL_BACKUP_KEEP. One backup at a time;
 * a failed one is logged and tried again an hour later. The timers do not keep the process alive.
 */
export function startNightlyBackups(rt: EmbeddedRuntime, log: (line: string) => void, options: ScheduleOptions = {}): BackupSchedule {
  const settings = rt.config.backup;
  if (rt.config.mode !== 'pglite' || !settings) return { stop: async () => undefined };
  const dataDir = resolve(rt.dataDir);
  const everyMs = options.everyMs ?? (settings.intervalMinutes ? settings.intervalMinutes * 60_000 : undefined);
  const tickMs = options.tickMs ?? Math.min(60_000, everyMs ?? 60_000);
  const pollMs = options.pollMs ?? 1000;
  let stopped = false;
  let queue: Promise<unknown> = Promise.resolve();

  // We hold the data folder: working files of an earlier process are stale.
  for (const name of readdirSync(dataDir)) {
    if (/^backup-(staging-|request-.*\.taken$|answer-)/.test(name)) rmSync(join(dataDir, name), { recursive: true, force: true });
  }

  const backUp = (why: string): Promise<BackupResult> => {
    const run = queue.then(async () => {
      const started = performance.now();
      const result = await writeBackup({ engine: rt.api, dataDir }, settings.dir);
      const removed = pruneBackups(settings.dir, settings.keep);
      const size = statSync(result.file).size;
      log(
        `backup made (${why}): ${basename(result.file)}, ${mb(size)}, ${result.manifest.files.count} stored file(s), ` +
          `in ${((performance.now() - started) / 1000).toFixed(1)} s${removed.length ? `; ${removed.length} older one(s) removed` : ''}`,
      );
      return result;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const answer = (id: string, said: { ok: boolean; file?: string; error?: string }) => {
    const file = join(dataDir, `backup-answer-${id}.json`);
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(said), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    } catch {
      // the data folder is gone: nobody to answer
    }
  };

  const requests = setInterval(() => {
    if (stopped) return;
    let names: string[];
    try {
      names = readdirSync(dataDir);
    } catch {
      return;
    }
    for (const name of names) {
      const id = REQUEST.exec(name)?.[1];
      if (!id) continue;
      const taken = join(dataDir, `backup-request-${id}.taken`);
      try {
        renameSync(join(dataDir, name), taken);
      } catch {
        continue; // taken back by the script
      }
      backUp('asked for by npm run backup').then(
        (r) => answer(id, { ok: true, file: r.file }),
        (err: unknown) => {
          log(`backup failed (asked for): ${err instanceof Error ? err.message : String(err)}`);
          answer(id, { ok: false, error: err instanceof Error ? err.message : String(err) });
        },
      );
      queue = queue.finally(() => rmSync(taken, { force: true }));
    }
    // Answers nobody read (the script was stopped) go after an hour.
    for (const name of names) {
      if (!name.startsWith('backup-answer-')) continue;
      try {
        if (statSync(join(dataDir, name)).mtimeMs < Date.now() - 3600_000) rmSync(join(dataDir, name), { force: true });
      } catch {
        // gone already
      }
    }
  }, pollMs);
  requests.unref();

  let timer: NodeJS.Timeout | undefined;
  let retryAt = 0;
  const tick = async () => {
    if (stopped) return;
    const now = new Date();
    try {
      if (now.getTime() >= retryAt && backupDue(listBackups(settings.dir).at(-1)?.createdAt ?? null, now, everyMs)) {
        await backUp(everyMs ? 'scheduled' : 'nightly');
      }
    } catch (err) {
      // Logged, never thrown: a full disk must not stop the portal. Tried again an hour later.
      retryAt = Date.now() + Math.min(3600_000, everyMs ?? 3600_000);
      log(`backup failed (${everyMs ? 'scheduled' : 'nightly'}): ${err instanceof Error ? err.message : String(err)}; trying again later`);
    }
    if (!stopped) {
      timer = setTimeout(tick, tickMs);
      timer.unref();
    }
  };
  if (settings.nightly) {
    timer = setTimeout(tick, tickMs);
    timer.unref();
    const when = everyMs
      ? `every ${everyMs >= 60_000 ? `${Math.round(everyMs / 60_000)} minute(s)` : `${everyMs} ms`}`
      : `nightly at ${NIGHTLY_AT} (${SCHOOL_TIME_ZONE})`;
    log(`backups: ${when} into ${settings.dir}, keeping the newest ${settings.keep}`);
  } else {
    log(
      `backups: not scheduled (PORTAL_BACKUP_NIGHTLY=1 makes one every night); npm run backup asks this server for one, into ${settings.dir}`,
    );
  }

  return {
    async stop() {
      stopped = true;
      clearInterval(requests);
      if (timer) clearTimeout(timer);
      await queue;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Restoring

function notABackup(file: string, why: string): NotAPortalBackup {
  return new NotAPortalBackup(`${basename(file)} is not a portal backup (${why}); make one with npm run backup.`);
}

function checkManifest(file: string, entry: ArchiveEntry | undefined): BackupManifest {
  if (entry?.name !== 'manifest.json') throw notABackup(file, 'it has no manifest.json first');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(entry.data.toString('utf8')) as BackupManifest;
  } catch {
    throw notABackup(file, 'its manifest.json is not JSON');
  }
  if (manifest?.format !== BACKUP_FORMAT || !Number.isInteger(manifest.formatVersion))
    throw notABackup(file, 'its manifest.json is not ours');
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new BackupRefused(
      `${basename(file)} was made by a newer portal (version ${manifest.portalVersion}, backup format ${manifest.formatVersion}): update the portal first, then restore.`,
    );
  }
  if (manifest.database?.engine !== 'pglite' || typeof manifest.database.rows !== 'object' || typeof manifest.files?.count !== 'number') {
    throw notABackup(file, 'its manifest.json is incomplete');
  }
  return manifest;
}

/** The manifest of a backup, read without unpacking the rest; throws NotAPortalBackup for anything else. */
export async function readManifest(file: string): Promise<BackupManifest> {
  try {
    for await (const entry of readArchive(file)) return checkManifest(file, entry);
    return checkManifest(file, undefined);
  } catch (err) {
    if (err instanceof NotAPortalBackup || err instanceof BackupRefused) throw err;
    throw notABackup(file, err instanceof Error ? err.message : String(err));
  }
}

const SAFE_SEGMENT = /^[^/\\\0]+$/;

async function unpack(file: string, staging: string): Promise<{ manifest: BackupManifest; dump: Buffer; count: number; bytes: number }> {
  let manifest: BackupManifest | undefined;
  let dump: Buffer | undefined;
  let count = 0;
  let bytes = 0;
  try {
    for await (const entry of readArchive(file)) {
      if (!manifest) {
        manifest = checkManifest(file, entry);
        continue;
      }
      if (entry.name === 'database.tar' && !dump) {
        dump = entry.data;
        continue;
      }
      const rel = entry.name.startsWith('data/') ? entry.name.slice(5) : null;
      const segments = rel?.split('/') ?? [];
      if (!rel || segments.some((s) => !SAFE_SEGMENT.test(s) || s === '.' || s === '..') || SKIPPED.test(segments[0]!)) {
        throw new Error(`it holds an entry a backup does not have (${JSON.stringify(entry.name.slice(0, 80))})`);
      }
      const to = resolve(staging, ...segments);
      if (!to.startsWith(staging + sep)) throw new Error('it holds a path outside the data folder');
      await mkdir(dirname(to), { recursive: true });
      await writeFile(to, entry.data, { mode: (entry.mode & 0o777) | 0o600, flag: 'wx' });
      count++;
      bytes += entry.data.byteLength;
    }
  } catch (err) {
    if (err instanceof NotAPortalBackup || err instanceof BackupRefused) throw err;
    const why = err instanceof Error ? err.message : String(err);
    if (!manifest) throw notABackup(file, why);
    throw new BackupRefused(`${basename(file)} is damaged or incomplete (${why}).`);
  }
  if (!manifest) throw notABackup(file, 'it is empty');
  if (!dump) throw new BackupRefused(`${basename(file)} is damaged or incomplete (it has no database).`);
  if (dump.byteLength !== manifest.database.bytes || count !== manifest.files.count || bytes !== manifest.files.bytes) {
    throw new BackupRefused(`${basename(file)} is damaged or incomplete (it does not hold what its manifest says).`);
  }
  return { manifest, dump, count, bytes };
}

function differences(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names]
    .filter((n) => expected[n] !== actual[n])
    .map((n) => `${n}: ${actual[n] ?? 'missing'} rows, expected ${expected[n] ?? 'none'}`);
}

/** The restore could not put the old data folder back: the one place the operator has to act. */
class DataFolderAside extends BackupRefused {}

/** The current folder aside, the restored one in its place; on failure the current one back. */
function swapIn(dataDir: string, staging: string, aside: string): true {
  renameSync(dataDir, aside);
  try {
    renameSync(staging, dataDir);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    try {
      renameSync(aside, dataDir);
    } catch {
      throw new DataFolderAside(
        `the restore failed (${why}) and the data folder could not be put back: it is in ${aside}; move it back to ${dataDir}.`,
      );
    }
    throw err;
  }
  return true;
}

export interface RestoreResult {
  manifest: BackupManifest;
  dataDir: string;
  /** Where the data folder that was there went (null when there was none). */
  aside: string | null;
}

/**
 * `npm run restore FILE`: refuses anything but a portal backup, and while the portal runs (the
 * lock). Unpacks next to the data folder, opens the database and migrates it as the server does
 * at start, checks the rows and files against the manifest; only then moves the current folder
 * aside (`<data folder>.before-restore-<time>`, never deleted) and the restored one in its place.
 * On any failure the data folder is as it was.
 */
export async function restoreBackup(config: Config, file: string, options: { now?: Date } = {}): Promise<RestoreResult> {
  if (config.mode !== 'pglite') {
    throw new BackupRefused(
      'npm run restore is for embedded mode with PGlite: restore a PostgreSQL server or Supabase with their own tools (README, Backups).',
    );
  }
  const archive = resolve(file);
  if (!existsSync(archive) || !statSync(archive).isFile()) throw new BackupRefused(`${file} does not exist (or is not a file).`);
  await readManifest(archive);

  const dataDir = resolve(config.dataDir);
  const existed = existsSync(dataDir);
  await mkdir(dataDir, { recursive: true });
  let release: () => void;
  try {
    release = lockDataFolder(dataDir);
  } catch (err) {
    if (err instanceof DataFolderInUse) {
      throw new BackupRefused(`the portal is running on ${dataDir}: stop it first, then restore (nothing was changed).`);
    }
    throw err;
  }
  const at = stamp(options.now ?? new Date());
  const parent = dirname(dataDir);
  const base = basename(dataDir);
  // Working folders of an interrupted restore: ours now that we hold the data folder.
  for (const name of readdirSync(parent)) {
    if (name.startsWith(`${base}.restoring-`)) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const staging = join(parent, `${base}.restoring-${at}`);
  let aside = join(parent, `${base}.before-restore-${at}`);
  for (let n = 2; existsSync(aside); n++) aside = join(parent, `${base}.before-restore-${at}-${n}`);
  let swapped = false;
  try {
    await mkdir(staging);
    const { manifest, dump } = await unpack(archive, staging);
    const engine = await openPglite({ dataDir: join(staging, 'pglite'), from: new Blob([new Uint8Array(dump)]) });
    try {
      const rows = await engine.transaction((sql) => tableRows(sql));
      const diff = differences(manifest.database.rows, rows);
      if (diff.length > 0) {
        throw new BackupRefused(
          `${basename(archive)} is damaged: its database does not hold what its manifest says (${diff.slice(0, 3).join('; ')}).`,
        );
      }
      await migrate(engine, { seed: false });
    } catch (err) {
      if (err instanceof MigrationMismatch || err instanceof MigrationChanged) {
        throw new BackupRefused(
          `${basename(archive)} was made by another version of the portal (${manifest.portalVersion}) with migrations this one does not know, or knows in another form: restore it with that version, or update this one first.`,
        );
      }
      throw err;
    } finally {
      await engine.close();
    }
    swapped = swapIn(dataDir, staging, aside);
    rmSync(join(aside, 'portal.lock'), { force: true });
    if (!existed && readdirSync(aside).length === 0) rmSync(aside, { recursive: true, force: true });
    return { manifest, dataDir, aside: existsSync(aside) ? aside : null };
  } catch (err) {
    if (err instanceof NotAPortalBackup || err instanceof DataFolderAside) throw err;
    const why = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
    if (err instanceof BackupRefused) throw new BackupRefused(`${why}; nothing was changed.`);
    throw new BackupRefused(`the restore failed (${why}); nothing was changed: the data folder is as it was.`);
  } finally {
    if (!swapped) {
      rmSync(staging, { recursive: true, force: true });
      if (!existed) rmSync(dataDir, { recursive: true, force: true });
    }
    release();
  }
}
