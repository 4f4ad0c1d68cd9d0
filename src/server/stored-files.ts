import type { Backend } from './port.ts';

/**
 * A stored picture that replaces another (a logo, a leaflet image). Orphans are what this
 * prevents: the new file is stored first; if saving the change then fails, the new file is
 * removed again; once it is saved, the file it replaced is removed, so a replaced picture is
 * not left readable at its old public address.
 */
export async function replaceStoredFile(
  backend: Pick<Backend, 'storage'>,
  previous: string | null | undefined,
  path: string,
  file: { bytes: Uint8Array; contentType: string },
  save: () => Promise<unknown>,
  bucket = 'school-assets',
): Promise<void> {
  await backend.storage.put(bucket, path, file.bytes, file.contentType);
  try {
    await save();
  } catch (err) {
    await removeStoredFile(backend, path, bucket);
    throw err;
  }
  if (previous && previous !== path) await removeStoredFile(backend, previous, bucket);
}

/** Removes a stored file (of the school's public bucket unless named); one already gone is no error. */
export async function removeStoredFile(backend: Pick<Backend, 'storage'>, path: string, bucket = 'school-assets'): Promise<void> {
  await backend.storage.remove(bucket, path).catch(() => undefined);
}
