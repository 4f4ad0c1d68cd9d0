import type { Backend, StoredFile } from './port.ts';

/**
 * A private file (a pupil's drawing, a recorded voice) for the person asking: the database says
 * where it is only if their row level security lets them see the row, and storage reads it as
 * them again (the bucket's policies). Never cached by anyone but that person's browser.
 */
export async function privateFile(backend: Backend, bucket: string, path: string | null): Promise<Response> {
  if (!path) return notFound();
  let file: StoredFile | null;
  try {
    file = await backend.storage.get(bucket, path);
  } catch {
    file = null;
  }
  if (!file) return notFound();
  return new Response(new Blob([file.bytes as Uint8Array<ArrayBuffer>]), {
    headers: {
      'Content-Type': file.contentType,
      'Cache-Control': 'private, max-age=300',
      'Content-Disposition': 'inline',
      'Cross-Origin-Resource-Policy': 'same-origin',
    },
  });
}

export function notFound(): Response {
  return new Response(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
}
