import type { Db } from './port.ts';

/**
 * The server's job, in its own process. Every quarter of an hour it makes the scheduled
 * notifications (`schedule_notifications`: a round's deadline nears, the day before a meeting,
 * the staff's digest) and has them delivered at once. Every six hours it also runs retention:
 * the database removes what has
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
  /** The scheduled notifications were made: deliver them now (the notifier's kick). */
  notified?: () => void;
}

const EVERY_MS = 6 * 3600_000;
const FIRST_AFTER_MS = 60_000;
const SCHEDULE_EVERY_MS = 15 * 60_000;

/** The scheduled notifications due at `now` (the caller's clock: tests move it); how many of each kind were made. */
export async function runScheduled(target: Pick<RetentionTarget, 'admin' | 'notified'>, now = new Date()): Promise<Record<string, number>> {
  const made = await target.admin.rpc('schedule_notifications', { p_now: now.toISOString() });
  if (made.length > 0) target.notified?.();
  return Object.fromEntries(made.map((r) => [r.kind, r.queued]));
}

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
    { kind: 'notifications', removed: await target.admin.rpc('purge_notifications', { p_now: now.toISOString() }) },
    ...((await target.purgeEmbedded?.(now)) ?? []),
  ];
  return Object.fromEntries(rows.filter((r) => r.removed > 0).map((r) => [r.kind, r.removed]));
}

/**
 * Runs a minute after start: the scheduled notifications every quarter of an hour, retention
 * every six hours; stops with the process.
 */
export function startRetention(
  target: RetentionTarget,
  options: { everyMs?: number; firstAfterMs?: number; scheduleEveryMs?: number } = {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let lastRetention = 0;
  const everyMs = options.everyMs ?? EVERY_MS;
  const tick = async () => {
    try {
      const made = await runScheduled(target);
      const summary = Object.entries(made).map(([kind, n]) => `${n} ${kind.replaceAll('_', ' ')}`);
      if (summary.length > 0) target.log(`notifications: scheduled ${summary.join(', ')}`);
    } catch (err) {
      target.log(`notifications: scheduling failed (${(err as Error).name}); it runs again later`);
    }
    if (Date.now() - lastRetention >= everyMs) {
      lastRetention = Date.now();
      try {
        const removed = await runRetention(target);
        const summary = Object.entries(removed).map(([kind, n]) => `${n} ${kind.replaceAll('_', ' ')}`);
        if (summary.length > 0) target.log(`retention: removed ${summary.join(', ')}`);
      } catch (err) {
        target.log(`retention: failed (${(err as Error).name}); it runs again later`);
      }
    }
    timer = setTimeout(tick, Math.min(options.scheduleEveryMs ?? SCHEDULE_EVERY_MS, everyMs));
    timer.unref();
  };
  timer = setTimeout(tick, options.firstAfterMs ?? FIRST_AFTER_MS);
  timer.unref();
  return () => clearTimeout(timer);
}
