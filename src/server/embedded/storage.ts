import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { StorageRefused, type StoragePort } from '~/server/port.ts';
import { asCaller, type Claims } from './rpc.ts';
import type { SqlEngine } from './sql.ts';

/**
 * Files under `<dataDir>/storage/<bucket>/<path>`. Every write first inserts the object's
 * row into `storage.objects` as the caller, so the same bucket policies as on Supabase decide;
 * the bucket's size and type limits are checked here as Supabase Storage checks them.
 */
const SAFE_PATH = /^[0-9a-f-]{36}(\/[A-Za-z0-9._-]{1,120}){1,3}$/;

export function createEmbeddedStorage(opts: { engine: SqlEngine; claims: () => Promise<Claims>; dataDir: string }): StoragePort {
  const root = resolve(opts.dataDir, 'storage');
  const fileOf = (bucket: string, path: string) => {
    if (!/^[a-z-]{1,40}$/.test(bucket) || !SAFE_PATH.test(path)) throw new StorageRefused('invalid_path');
    const full = resolve(root, bucket, path);
    if (!full.startsWith(resolve(root, bucket) + sep)) throw new StorageRefused('invalid_path');
    return full;
  };

  return {
    async put(bucket, path, bytes, contentType) {
      const file = fileOf(bucket, path);
      const claims = await opts.claims();
      await asCaller(opts.engine, claims, async (sql) => {
        const [limits] = await sql.query<{ file_size_limit: string | null; allowed_mime_types: string[] | null }>(
          'select file_size_limit, allowed_mime_types from storage.buckets where id = $1',
          [bucket],
        );
        if (!limits) throw new StorageRefused('forbidden');
        if (limits.file_size_limit !== null && bytes.byteLength > Number(limits.file_size_limit)) throw new StorageRefused('too_large');
        if (limits.allowed_mime_types && !limits.allowed_mime_types.includes(contentType)) throw new StorageRefused('wrong_type');
        try {
          await sql.query('insert into storage.objects (bucket_id, name, owner, owner_id, metadata) values ($1, $2, $3, $4, $5)', [
            bucket,
            path,
            claims.sub ?? null,
            claims.sub ?? null,
            JSON.stringify({ mimetype: contentType, size: bytes.byteLength }),
          ]);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === '42501') throw new StorageRefused('forbidden');
          if (code === '23505') throw new StorageRefused('exists');
          throw err;
        }
        // Written inside the transaction: if the file cannot be written, the row is rolled back.
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, bytes, { flag: 'wx' });
      });
    },

    async get(bucket, path) {
      const file = fileOf(bucket, path);
      const claims = await opts.claims();
      const rows = await asCaller(opts.engine, claims, (sql) =>
        sql.query<{ metadata: { mimetype?: string } | null }>('select metadata from storage.objects where bucket_id = $1 and name = $2', [
          bucket,
          path,
        ]),
      );
      if (!rows[0]) return null;
      try {
        return { bytes: new Uint8Array(await readFile(file)), contentType: rows[0].metadata?.mimetype ?? 'application/octet-stream' };
      } catch {
        return null;
      }
    },

    async getPublic(bucket, path) {
      const file = fileOf(bucket, path);
      const rows = await opts.engine.transaction((sql) =>
        sql.query<{ metadata: { mimetype?: string } | null }>(
          `select o.metadata from storage.objects o join storage.buckets b on b.id = o.bucket_id
           where b.public and o.bucket_id = $1 and o.name = $2`,
          [bucket, path],
        ),
      );
      if (!rows[0]) return null;
      try {
        return { bytes: new Uint8Array(await readFile(file)), contentType: rows[0].metadata?.mimetype ?? 'application/octet-stream' };
      } catch {
        return null;
      }
    },

    async remove(bucket, path) {
      const file = fileOf(bucket, path);
      const claims = await opts.claims();
      const removed = await asCaller(opts.engine, claims, (sql) =>
        sql.query('delete from storage.objects where bucket_id = $1 and name = $2 returning id', [bucket, path]),
      );
      if (removed.length === 0) throw new StorageRefused('forbidden');
      await rm(file, { force: true });
    },

    publicUrl(bucket, path) {
      return `/storage/v1/object/public/${bucket}/${path}`;
    },
  };
}
