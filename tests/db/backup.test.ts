import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '~/server/config.ts';
import {
  BackupRefused,
  backupDataFolder,
  backupDue,
  listBackups,
  NotAPortalBackup,
  readManifest,
  requestBackupFromServer,
  restoreBackup,
  schoolDay,
  startNightlyBackups,
} from '~/server/embedded/backup.ts';
import { type EmbeddedRuntime, embeddedAdminDb, startEmbedded } from '~/server/embedded/index.ts';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { openPglite, type SqlEngine } from '~/server/embedded/sql.ts';
import { createEmbeddedStorage } from '~/server/embedded/storage.ts';
import { syncTemplates } from '~/server/templates.ts';
import { buildPupil, buildWorld, type World } from '../factories/index.ts';
import { PGLITE_OFF, pgliteSnapshot } from './harness.ts';

/**
 * Backups of embedded mode: back up a data folder the way the server runs it, change things,
 * restore, and everything is as it was; what restore refuses; the nightly schedule and keep-N.
 */

const ROOT = new URL('../..', import.meta.url).pathname;
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface State {
  schools: string[];
  pupils: string[];
  leaflets: number;
  objects: string[];
}

async function stateOf(engine: SqlEngine): Promise<State> {
  return engine.transaction(async (sql) => ({
    schools: (await sql.query<{ id: string }>('select id from public.schools order by id')).map((r) => r.id),
    pupils: (await sql.query<{ id: string }>('select id from public.pupils order by id')).map((r) => r.id),
    leaflets: Number((await sql.query<{ n: number }>('select count(*)::int as n from public.leaflets'))[0]!.n),
    objects: (await sql.query<{ name: string }>("select bucket_id || '/' || name as name from storage.objects order by 1")).map(
      (r) => r.name,
    ),
  }));
}

const storageOf = (rt: EmbeddedRuntime) => createEmbeddedStorage({ engine: rt.api, claims: async () => SERVICE, dataDir: rt.dataDir });

async function stop(rt: EmbeddedRuntime | undefined): Promise<void> {
  if (rt) await rt.api.close();
}

/** A process that is not this one holding the data folder, as a running server would. */
function holdLock(dataDir: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  writeFileSync(join(dataDir, 'portal.lock'), JSON.stringify({ pid: child.pid, host: hostname(), since: new Date().toISOString() }));
  return child;
}

describe('schoolDay and backupDue: once a night at 02:30 school time', () => {
  it('turns the day at 02:30 in Amsterdam, winter and summer', () => {
    expect(schoolDay(new Date('2026-01-15T01:29:00Z'))).toBe('2026-01-14'); // 02:29 CET
    expect(schoolDay(new Date('2026-01-15T01:30:00Z'))).toBe('2026-01-15'); // 02:30 CET
    expect(schoolDay(new Date('2026-07-15T00:29:00Z'))).toBe('2026-07-14'); // 02:29 CEST
    expect(schoolDay(new Date('2026-07-15T00:30:00Z'))).toBe('2026-07-15');
  });

  it('is due when there is none since the last 02:30, or the interval has passed', () => {
    const last = new Date('2026-01-14T01:30:00Z');
    expect(backupDue(null, new Date())).toBe(true);
    expect(backupDue(last, new Date('2026-01-15T01:29:00Z'))).toBe(false);
    expect(backupDue(last, new Date('2026-01-15T01:31:00Z'))).toBe(true);
    expect(backupDue(last, new Date('2026-01-15T09:00:00Z'))).toBe(true); // the server was off at night
    // The night the clocks go forward (02:00 → 03:00), and the one they go back (03:00 → 02:00).
    expect(backupDue(new Date('2026-03-28T01:30:00Z'), new Date('2026-03-29T01:00:00Z'))).toBe(true);
    expect(backupDue(new Date('2026-10-25T00:30:00Z'), new Date('2026-10-25T01:30:00Z'))).toBe(false);
    expect(backupDue(last, new Date(last.getTime() + 59_000), 60_000)).toBe(false);
    expect(backupDue(last, new Date(last.getTime() + 60_000), 60_000)).toBe(true);
  });
});

// PGlite only (PGLITE_OFF: see harness.ts).
describe.skipIf(PGLITE_OFF)('backup and restore of a data folder', () => {
  let tmp: string;
  let dataDir: string;
  let backupDir: string;
  let config: Config;
  let rt: EmbeddedRuntime | undefined;
  let w: World;
  let before: State;
  let backupFile: string;
  let randomTarGz: string;
  const logo = new Uint8Array(randomBytes(3000));
  const logoPath = () => `${w.school.id}/logo.png`;
  const lines: string[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'portal-backup-test-'));
    dataDir = join(tmp, 'data');
    backupDir = join(tmp, 'backups');
    mkdirSync(dataDir);
    // A migrated database (the suite's snapshot), started from then on as the server starts it.
    const first = await openPglite({ dataDir: join(dataDir, 'pglite'), from: pgliteSnapshot() });
    await first.close();
    config = loadConfig({ PORTAL_DATA_DIR: dataDir, PORTAL_BACKUP_DIR: backupDir, PORTAL_BACKUP_KEEP: '3', PORTAL_SEED: 'false' });
    rt = await startEmbedded(config);
    w = await buildWorld(rt.owner);
    await syncTemplates(embeddedAdminDb(rt));
    await storageOf(rt).put('school-assets', logoPath(), logo, 'image/png');
    before = await stateOf(rt.api);
    randomTarGz = join(tmp, 'holiday-photos.tar.gz');
    mkdirSync(join(tmp, 'random'));
    writeFileSync(join(tmp, 'random', 'hello.txt'), 'not a backup');
    execFileSync('tar', ['czf', randomTarGz, '-C', join(tmp, 'random'), 'hello.txt']);
  }, 60_000);

  afterAll(async () => {
    for (const child of children) child.kill();
    await stop(rt);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the running server makes a backup when npm run backup asks it (a request file in the data folder)', async () => {
    expect(before.objects).toContain(`school-assets/${logoPath()}`);
    const schedule = startNightlyBackups(rt!, (line) => lines.push(line), { pollMs: 50 });
    try {
      backupFile = (await requestBackupFromServer(dataDir, backupDir, { pollMs: 50 })).file;
    } finally {
      await schedule.stop();
    }
    expect(backupFile.startsWith(backupDir)).toBe(true);
    expect(backupFile).toMatch(/portal-backup-\d{8}-\d{6}\.tar\.gz$/);
    const manifest = await readManifest(backupFile);
    expect(manifest).toMatchObject({ format: 'hgw-portal-backup', formatVersion: 1, portalVersion: PACKAGE_VERSION });
    expect(manifest.database.rows['public.pupils']).toBe(before.pupils.length);
    expect(manifest.database.rows['storage.objects']).toBe(before.objects.length);
    expect(manifest.files.count).toBe(1);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('backup-'))).toEqual([]);
    // Logs say what happened in counts and sizes: no names, no addresses, no stored paths.
    const log = lines.join('\n');
    expect(log).toMatch(/backup made \(asked for by npm run backup\): portal-backup-/);
    for (const secret of [w.school.name, w.admin.email, w.school.id, 'logo.png']) expect(log).not.toContain(secret);
  });

  it('restore puts the database and the stored files back as they were, the changed folder aside', async () => {
    const storage = storageOf(rt!);
    const newcomer = await buildPupil(rt!.owner, w.school.id, w.klass.id);
    await rt!.owner.transaction((sql) => sql.query('delete from public.pupils where id = $1', [w.otherSchoolPupil.id]));
    await storage.remove('school-assets', logoPath());
    const other = `${w.school.id}/banner.png`;
    await storage.put('school-assets', other, new Uint8Array([1, 2, 3]), 'image/png');
    const changed = await stateOf(rt!.api);
    expect(changed).not.toEqual(before);
    await stop(rt); // the server stops
    rt = undefined;

    const done = await restoreBackup(config, backupFile);
    expect(done.aside).toMatch(/data\.before-restore-\d{8}-\d{6}$/);
    expect(existsSync(join(done.aside!, 'storage', 'school-assets', other))).toBe(true); // kept, not deleted
    expect(readdirSync(tmp).filter((n) => n.includes('.restoring-'))).toEqual([]);

    rt = await startEmbedded(config);
    const after = await stateOf(rt.api);
    expect(after).toEqual(before);
    expect(after.pupils).not.toContain(newcomer.id);
    expect(after.pupils).toContain(w.otherSchoolPupil.id);
    const restored = await storageOf(rt).get('school-assets', logoPath());
    expect(restored && Buffer.from(restored.bytes).equals(Buffer.from(logo))).toBe(true);
    expect(await storageOf(rt).get('school-assets', other)).toBeNull();
    expect(existsSync(join(dataDir, 'storage', 'school-assets', other))).toBe(false);
  });

  it('restore refuses a file that is not a portal backup, and leaves the data folder alone', async () => {
    const garbage = join(tmp, 'garbage.tar.gz');
    writeFileSync(garbage, randomBytes(2000));
    const folder = readdirSync(dataDir).sort();
    await expect(restoreBackup(config, randomTarGz)).rejects.toThrow(NotAPortalBackup);
    await expect(restoreBackup(config, randomTarGz)).rejects.toThrow(/holiday-photos\.tar\.gz is not a portal backup/);
    await expect(restoreBackup(config, garbage)).rejects.toThrow(/garbage\.tar\.gz is not a portal backup/);
    await expect(restoreBackup(config, join(tmp, 'missing.tar.gz'))).rejects.toThrow(/does not exist/);
    expect(readdirSync(dataDir).sort()).toEqual(folder);
    expect(await stateOf(rt!.api)).toEqual(before);
  });

  it('restore refuses a backup whose database does not match its manifest, and puts nothing in place', async () => {
    const unpacked = join(tmp, 'tampered');
    mkdirSync(unpacked);
    execFileSync('tar', ['xzf', backupFile, '-C', unpacked]);
    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8'));
    manifest.database.rows['public.pupils'] += 1;
    writeFileSync(join(unpacked, 'manifest.json'), JSON.stringify(manifest));
    const tampered = join(tmp, 'tampered.tar.gz');
    execFileSync('tar', ['czf', tampered, '-C', unpacked, 'manifest.json', 'database.tar', 'data']);
    await stop(rt);
    rt = undefined;
    const asideBefore = readdirSync(tmp).filter((n) => n.includes('.before-restore-'));
    await expect(restoreBackup(config, tampered)).rejects.toThrow(/damaged: .*public\.pupils.*nothing was changed/);
    expect(readdirSync(tmp).filter((n) => n.includes('.before-restore-'))).toEqual(asideBefore);
    expect(readdirSync(tmp).filter((n) => n.includes('.restoring-'))).toEqual([]);
    rt = await startEmbedded(config);
    expect(await stateOf(rt.api)).toEqual(before);
  });

  it('while another process holds the data folder, restore refuses and backup asks it, then says so', async () => {
    await stop(rt);
    rt = undefined;
    const server = holdLock(dataDir);
    children.push(server);
    await expect(restoreBackup(config, backupFile)).rejects.toThrow(/the portal is running on .*stop it first/);
    await expect(backupDataFolder(config, { request: { takeWithinMs: 300, pollMs: 50 } })).rejects.toThrow(
      /the portal is running \(process \d+\) and did not answer: .*stop it to make one now/,
    );
    expect(readdirSync(dataDir).filter((n) => n.startsWith('backup-request-'))).toEqual([]);
    expect(readdirSync(tmp).filter((n) => n.includes('.restoring-'))).toEqual([]);
    server.kill();
    await new Promise((r) => server.once('exit', r));
  });

  it('npm run backup (server stopped) and npm run restore (a file that is not a backup) as commands', async () => {
    // The lock of the process that just ended is stale: taken over, not stuck.
    const env = { ...process.env, PORTAL_DATA_DIR: dataDir, PORTAL_BACKUP_DIR: backupDir, PORTAL_BACKUP_KEEP: '3' };
    const run = promisify(execFile);
    const made = await run(process.execPath, ['scripts/backup.ts'], { cwd: ROOT, env });
    expect(made.stdout).toMatch(/made by this process/);
    expect(listBackups(backupDir)).toHaveLength(2);
    const refused = await run(process.execPath, ['scripts/restore.ts', randomTarGz], { cwd: ROOT, env }).catch((err) => err);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/npm run restore: holiday-photos\.tar\.gz is not a portal backup/);
  }, 60_000);

  it('the schedule makes backups on its own and keeps the newest N, leaving other files alone', async () => {
    const nightly = loadConfig({
      PORTAL_DATA_DIR: dataDir,
      PORTAL_BACKUP_DIR: backupDir,
      PORTAL_BACKUP_KEEP: '3',
      PORTAL_BACKUP_NIGHTLY: '1',
      PORTAL_SEED: 'false',
    });
    const old = ['20200101-013000', '20200102-013000', '20200103-013000'].map((s) => `portal-backup-${s}.tar.gz`);
    for (const name of old) writeFileSync(join(backupDir, name), 'old');
    writeFileSync(join(backupDir, 'notes.txt'), 'keep me');
    const existing = listBackups(backupDir).map((b) => b.name);
    rt = await startEmbedded(nightly);
    const schedule = startNightlyBackups(rt, (line) => lines.push(line), { everyMs: 1, tickMs: 200 });
    try {
      for (let i = 0; i < 500 && listBackups(backupDir).every((b) => existing.includes(b.name)); i++)
        await new Promise((r) => setTimeout(r, 20));
    } finally {
      await schedule.stop();
    }
    const kept = listBackups(backupDir).map((b) => b.name);
    const made = kept.filter((n) => !existing.includes(n));
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(kept).toEqual([...existing, ...made].sort().slice(-3));
    expect(kept).not.toContain(old[0]);
    expect(existsSync(join(backupDir, 'notes.txt'))).toBe(true);
    expect(lines.join('\n')).toMatch(/backup made \(scheduled\): portal-backup-.*older one\(s\) removed/);
  }, 30_000);

  it('refuses in the modes that back up with their own tools', async () => {
    const postgres = loadConfig({ DATABASE_URL: 'postgres://app@db/portal', PORTAL_DATA_DIR: dataDir });
    await expect(backupDataFolder(postgres)).rejects.toThrow(BackupRefused);
    await expect(restoreBackup(postgres, backupFile)).rejects.toThrow(/PostgreSQL server or Supabase/);
  });
});
