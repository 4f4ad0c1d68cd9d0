import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One server per data folder: two processes writing one PGlite database split it and can leave it
 * unreadable. The first takes `portal.lock` (its process id); a second is refused with a sentence.
 * A lock left behind by a process that no longer runs (a crash, kill -9) is taken over.
 */
export class DataFolderInUse extends Error {
  override name = 'DataFolderInUse';
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A reused process id that is not a Node.js process is not a portal server.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

/** Takes the data folder for this process, or throws DataFolderInUse. Returns the release function. */
export function lockDataFolder(dataDir: string): () => void {
  const file = join(dataDir, 'portal.lock');
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      const release = () => {
        try {
          const held = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
          if (held.pid === process.pid) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let held: LockInfo | null = null;
      try {
        held = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        held = null;
      }
      if (held && held.pid !== process.pid && held.host === hostname() && running(held.pid)) {
        throw new DataFolderInUse(
          `another portal server (process ${held.pid}, since ${held.since}) is using the data folder ${dataDir}. ` +
            'Stop that one first, or give this one its own folder with PORTAL_DATA_DIR.',
        );
      }
      // Left behind by a process that is gone (or unreadable): take it over.
      rmSync(file, { force: true });
    }
  }
  throw new DataFolderInUse(`could not take the data folder ${dataDir} (another server keeps taking it).`);
}
