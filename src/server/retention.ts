import type { Db } from './port.ts';

/**
 * The retention job, in the server's own process: every few hours the database removes what has
 * done its work (`run_retention`: expired invitations and class-mode devices, sign-in events
 * after 90 days, idle sign-in limits, the access log after 24 months), pupils who left the school
 * longer ago than the school's retention time go with everything about them and their drawings
 * (`erase_left_pupils`), and, in embedded mode, the embedded auth's ended sessions and old sign-in
 * codes go. On Supabase the same server job runs (it holds the service key); pg_cron may run the
 * SQL part instead (see README). The log says how many rows of each kind went: counts, never content.
 */

export interface RetentionTarget {
  /** As the service role. */
  admin: Db;
  /** Embedded mode: the owner's own purge of sessions and codes. */
  purgeEmbedded?: (now: Date) => Promise<Array<{ kind: string; removed: number }>>;
  /** Removes a stored file (as the service role); the rows naming it are already gone. */
  removeFile?: (bucket: string, name: string) => Promise<void>;
  log: (line: string) => void;
}

const EVERY_MS = 6 * 3600_000;
const FIRST_AFTER_MS = 60_000;

/** One run: what went, per kind (only kinds with something removed). */
export async function runRetention(target: RetentionTarget, now = new Date()): Promise<Record<string, number>> {
  const left = await target.admin.rpc('erase_left_pupils', { p_now: now.toISOString() });
  let files = 0;
  for (const file of left.files) {
    await target.removeFile?.(file.bucket, file.name).then(
      () => files++,
      () => undefined,
    );
  }
  const rows = [
    ...(await target.admin.rpc('run_retention', { p_now: now.toISOString() })),
    { kind: 'pupils_who_left', removed: left.pupils },
    { kind: 'pupil_files', removed: files },
    ...((await target.purgeEmbedded?.(now)) ?? []),
  ];
  return Object.fromEntries(rows.filter((r) => r.removed > 0).map((r) => [r.kind, r.removed]));
}

/** Runs a minute after start and then every six hours; stops with the process. */
export function startRetention(target: RetentionTarget, options: { everyMs?: number; firstAfterMs?: number } = {}): () => void {
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const removed = await runRetention(target);
      const summary = Object.entries(removed).map(([kind, n]) => `${n} ${kind.replaceAll('_', ' ')}`);
      if (summary.length > 0) target.log(`retention: removed ${summary.join(', ')}`);
    } catch (err) {
      target.log(`retention: failed (${(err as Error).name}); it runs again later`);
    }
    timer = setTimeout(tick, options.everyMs ?? EVERY_MS);
    timer.unref();
  };
  timer = setTimeout(tick, options.firstAfterMs ?? FIRST_AFTER_MS);
  timer.unref();
  return () => clearTimeout(timer);
}
