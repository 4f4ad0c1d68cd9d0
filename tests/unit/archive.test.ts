import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArchiveEntry, readArchive, writeArchive } from '~/server/embedded/archive.ts';

/** The backup's container (archive.ts, on tar-stream): what it writes, GNU tar reads, and back. */
const tmp = mkdtempSync(join(tmpdir(), 'archive-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function entriesOf(file: string): Promise<ArchiveEntry[]> {
  const all: ArchiveEntry[] = [];
  for await (const entry of readArchive(file)) all.push(entry);
  return all;
}

describe('the backup archive', () => {
  const longName = `data/uploads/${'a-rather-long-folder-name/'.repeat(6)}leaflet-picture.webp`;

  it('writes files (long names too) that GNU tar unpacks, and reads them back as written', async () => {
    const file = join(tmp, 'one.tar.gz');
    await writeArchive(file, async (archive) => {
      await archive.add('manifest.json', Buffer.from('{"format":"x"}\n'), 0o644, new Date('2026-12-07T01:30:00Z'));
      await archive.add(longName, Buffer.from('picture'), 0o600, new Date());
    });
    const out = join(tmp, 'one');
    mkdirSync(out);
    execFileSync('tar', ['xzf', file, '-C', out]);
    expect(readFileSync(join(out, longName), 'utf8')).toBe('picture');
    const entries = await entriesOf(file);
    expect(entries.map((e) => [e.name, e.mode, e.data.toString()])).toEqual([
      ['manifest.json', 0o644, '{"format":"x"}\n'],
      [longName, 0o600, 'picture'],
    ]);
    // An archive is never written over.
    await expect(writeArchive(file, async () => undefined)).rejects.toThrow(/EEXIST/);
  });

  it('passes over folders, refuses links, and says so when a file is cut short or not gzipped', async () => {
    const dir = join(tmp, 'gnu');
    mkdirSync(join(dir, 'data', 'uploads'), { recursive: true });
    writeFileSync(join(dir, 'data', 'uploads', 'x.txt'), 'x');
    const folders = join(tmp, 'folders.tar.gz');
    execFileSync('tar', ['czf', folders, '-C', dir, 'data']);
    expect((await entriesOf(folders)).map((e) => e.name)).toEqual(['data/uploads/x.txt']);

    symlinkSync('/etc/passwd', join(dir, 'data', 'link'));
    const links = join(tmp, 'links.tar.gz');
    execFileSync('tar', ['czf', links, '-C', dir, 'data/link']);
    await expect(entriesOf(links)).rejects.toThrow(/something other than files \(symlink\)/);

    const whole = readFileSync(folders);
    const cut = join(tmp, 'cut.tar.gz');
    writeFileSync(cut, whole.subarray(0, whole.byteLength - 30));
    await expect(entriesOf(cut)).rejects.toThrow();
    const plain = join(tmp, 'plain.tar.gz');
    writeFileSync(plain, 'not gzip at all');
    await expect(entriesOf(plain)).rejects.toThrow(/header/);
  });
});
