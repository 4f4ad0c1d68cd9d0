import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * The container of a backup: a gzipped tar, written and read with tar-stream (backup.ts decides
 * what goes in it and checks what comes out). Entries are plain files, each read whole: a backup
 * holds a database dump and the data folder's small files. tar-stream loads with the first backup
 * or restore, not with the server (issue 24).
 */
export const MAX_ENTRY = 4 * 1024 ** 3;

export interface ArchiveEntry {
  name: string;
  mode: number;
  data: Buffer;
}

export interface ArchiveWriter {
  add(name: string, data: Uint8Array, mode: number, mtime: Date): Promise<void>;
}

/** Writes a new .tar.gz (refusing to overwrite) with the entries `fill` adds, in order. */
export async function writeArchive(file: string, fill: (archive: ArchiveWriter) => Promise<void>): Promise<void> {
  const { default: tar } = await import('tar-stream');
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  const add = (name: string, data: Uint8Array, mode: number, mtime: Date) => {
    if (data.byteLength >= MAX_ENTRY) throw new Error(`a file of ${data.byteLength} bytes is too large for a backup.`);
    return new Promise<void>((done, fail) => {
      pack.entry({ name, size: data.byteLength, mode: mode & 0o777, mtime, type: 'file' }, Buffer.from(data), (err) =>
        err ? fail(err) : done(),
      );
    });
  };
  try {
    await fill({ add });
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  }
  await written;
}

/**
 * The entries of a .tar.gz, in order; directories are passed over, anything else that is not a
 * file (links, devices) is an error. Stopping early closes the file.
 */
export async function* readArchive(file: string): AsyncGenerator<ArchiveEntry> {
  const { default: tar } = await import('tar-stream');
  const source = createReadStream(file);
  const gunzip = createGunzip();
  const extract = tar.extract();
  const fail = (err: Error) => extract.destroy(err);
  source.on('error', fail);
  gunzip.on('error', fail);
  source.pipe(gunzip).pipe(extract);
  try {
    for await (const entry of extract) {
      const { name, type, mode = 0o644, size = 0 } = entry.header;
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') throw new Error(`the archive holds something other than files (${type})`);
      if (size >= MAX_ENTRY) throw new Error('an entry is too large');
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      yield { name, mode, data: Buffer.concat(chunks) };
    }
  } finally {
    source.destroy();
    gunzip.destroy();
    extract.destroy();
  }
}
