import type { Db } from './port.ts';

/**
 * With several server instances on one database (PostgreSQL or Supabase), a publish on one must
 * reach the public-page caches of the others: each instance asks the database for the public
 * pages' version every two seconds (one tiny query) and drops its copies when the number moved.
 * A failed ask drops them too: better a few fresh renders than a stale leaflet.
 */
export function watchPublicPages(admin: Db, invalidate: () => void, options: { everyMs?: number } = {}): () => void {
  let seen: number | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const version = await admin.rpc('public_pages_version', {});
      if (seen !== null && version !== seen) invalidate();
      seen = version;
    } catch {
      invalidate();
      seen = null;
    }
    if (stopped) return;
    timer = setTimeout(tick, options.everyMs ?? 2000);
    timer.unref();
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
