import type { RpcArgs, RpcName, RpcResult } from '~/domain/rpc/index.ts';
import type { Claims } from './rpc.ts';
import type { Sql, SqlEngine } from './sql.ts';

/**
 * The teachers' overviews (a round's answers, the school view, the groepsbespreking) are read by
 * many staff and change only when someone writes: a pupil answers, a teacher closes a round, a
 * class changes. This keeps the result of those reads in memory, so the second reader of a round
 * does not run the same SQL again (issue 24).
 *
 * Safe by construction:
 * - Per caller: the key holds the caller's role and user id, so an entry only ever answers the
 *   person the database answered (their access, decided by the database as always). Another
 *   reader, who may see other classes or none, has their own entry or none.
 * - Any write empties it: every API call that is not a known read (a function PostgreSQL itself
 *   holds to reading: STABLE or IMMUTABLE, or one of the reads below that only log) moves the
 *   epoch, and entries of an older epoch are not used. A read that ran while a write ran is
 *   stored under the epoch it started in, so it is never used.
 * - Only where this process is the only writer: embedded PGlite (a PostgreSQL server may have
 *   other instances writing; there the cache is off).
 * - Who looked stays true: a read that logs the pupils it shows (private.log_pupil_reads) logs
 *   them again on a hit, through the same function, as the caller; not when this reader's hit
 *   logged the same pupils less than 10 seconds ago, the window in which that function writes no
 *   second row for the same reader, pupil and kind.
 * - An entry lives a minute at most (a round that closes by the clock, a day that turns).
 */

interface Cacheable {
  /** How long an entry may be used (TTL_MS unless said). */
  ttlMs?: number;
  /** On a hit: the statement the function itself runs to log who looked, with its parameters. */
  log?: (args: Record<string, unknown>, value: unknown) => { text: string; params: unknown[] };
}

/** The reads kept: the teachers' overviews and what every staff page's navigation asks. */
const CACHEABLE: Partial<Record<RpcName, Cacheable>> = {
  school_classes: {},
  class_need_rounds: {},
  school_needs_in_period: {},
  group_discussion: {},
  school_erasure_requests: {},
  // Every page's own questions: whose school this is, and the caller's memberships.
  school_by_slug: {},
  my_memberships: {},
  // The admin's banner of undelivered notifications: their delivery does not empty the cache
  // (below), so this one is asked again after a few seconds.
  notification_trouble: { ttlMs: 5_000 },
  // The function logs the pupils whose answers it read; on a hit, those it shows that answered
  // (the caller's own rights cannot read need_answers directly, so not by the function's query).
  need_round_answers: {
    log: (_args, value) => ({
      text: `select private.log_pupil_reads($1::uuid[], 'needs_answers')`,
      params: [(value as { pupil_id: string; answered: boolean }[]).filter((r) => r.answered).map((r) => r.pupil_id)],
    }),
  },
  group_discussion_pupils: {
    log: (_args, value) => {
      const ids = (value as { pupil_id: string }[]).map((r) => r.pupil_id);
      return { text: `select private.log_pupil_reads($1::uuid[], 'needs_answers')`, params: [ids] };
    },
  },
};

/**
 * Calls that write nothing a kept read shows: reads that write only to the access log, and the
 * notification worker's bookkeeping (every few seconds; shown only by notification_trouble, which
 * is kept for seconds). They do not empty the cache.
 */
const NOT_SHOWN_WRITES = new Set<string>([
  'need_round_answers',
  'group_discussion_pupils',
  'pupil_overview',
  'claim_notifications',
  'next_notification_due',
  'notification_sent',
  'notification_pushed',
  'notification_not_sent',
  'notification_skipped',
]);

/** private.log_pupil_reads writes a row once per reader, pupil and kind in this many ms. */
const LOG_WINDOW_MS = 10_000;

const TTL_MS = 60_000;
const MAX_ENTRIES = 2000;

interface Entry {
  epoch: number;
  expires: number;
  json: string;
}

export interface ReadCache {
  /** Runs `call` (the API call in the caller's transaction) or answers from memory. */
  run<N extends RpcName>(
    engine: SqlEngine,
    claims: Claims,
    name: N,
    args: RpcArgs<N>,
    call: () => Promise<RpcResult<N>>,
    asCaller: <T>(fn: (sql: Sql) => Promise<T>) => Promise<T>,
  ): Promise<RpcResult<N>>;
  /** Something changed that the kept reads may show. */
  invalidate(): void;
  size(): number;
}

/**
 * `readOnly`: the API functions PostgreSQL holds to reading (STABLE or IMMUTABLE), by name; any
 * other call empties the cache. Or a way to ask for them, asked with the first call (start-up
 * need not wait for the catalog query, issue 24); until they are known, every call that is not
 * kept empties the cache.
 */
export function createReadCache(
  readOnly: ReadonlySet<string> | (() => Promise<ReadonlySet<string>>),
  options: { ttlMs?: number; logWindowMs?: number } = {},
): ReadCache {
  let known = typeof readOnly === 'function' ? undefined : readOnly;
  let asking = false;
  const readOnlyKnown = (): ReadonlySet<string> | undefined => {
    if (!known && !asking && typeof readOnly === 'function') {
      asking = true;
      readOnly().then(
        (names) => {
          known = names;
        },
        () => {
          asking = false; // asked again with the next call
        },
      );
    }
    return known;
  };
  const entries = new Map<string, Entry>();
  // When a hit last logged these pupils for this reader: within the log's own window the
  // database would write nothing again, so the hit does not ask it.
  const loggedAt = new Map<string, number>();
  let epoch = 0;
  const ttl = options.ttlMs ?? TTL_MS;
  // PORTAL_READ_CACHE_DEBUG=1: each miss, and which call emptied the cache (function names, no data).
  const debug = Boolean(process.env.PORTAL_READ_CACHE_DEBUG);
  const invalidate = () => {
    epoch++;
    entries.clear();
  };
  return {
    invalidate,
    size: () => entries.size,
    async run(_engine, claims, name, args, call, asCaller) {
      const readOnlyNames = readOnlyKnown();
      const kept = CACHEABLE[name];
      if (!kept) {
        try {
          return await call();
        } finally {
          if (!readOnlyNames?.has(name) && !NOT_SHOWN_WRITES.has(name)) {
            if (debug) console.error(`read cache emptied by ${name}`);
            invalidate();
          }
        }
      }
      const key = `${claims.role}\u0000${claims.sub ?? ''}\u0000${name}\u0000${JSON.stringify(args)}`;
      const hit = entries.get(key);
      if (hit && hit.epoch === epoch && hit.expires > Date.now()) {
        const value = JSON.parse(hit.json) as RpcResult<typeof name>;
        const log = kept.log?.(args as Record<string, unknown>, value);
        if (log) {
          const logKey = `${claims.sub ?? ''}\u0000${log.text}\u0000${JSON.stringify(log.params)}`;
          const now = Date.now();
          if (now - (loggedAt.get(logKey) ?? 0) >= (options.logWindowMs ?? LOG_WINDOW_MS)) {
            await asCaller((sql) => sql.query(log.text, log.params));
            if (loggedAt.size >= MAX_ENTRIES) loggedAt.clear();
            loggedAt.set(logKey, now);
          }
        }
        return value;
      }
      if (hit) entries.delete(key);
      if (debug) console.error(`read cache miss ${name}${hit ? ' (expired)' : ''}`);
      const started = epoch;
      const value = await call();
      if (started === epoch) {
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        entries.set(key, { epoch: started, expires: Date.now() + (kept.ttlMs ?? ttl), json: JSON.stringify(value) });
      }
      return value;
    },
  };
}

/** The public API functions PostgreSQL holds to reading. */
export async function readOnlyFunctions(engine: SqlEngine): Promise<Set<string>> {
  const rows = await engine.transaction((sql) =>
    sql.query<{ name: string }>(
      `select p.proname as name from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public' group by p.proname having bool_and(p.provolatile in ('s', 'i'))`,
    ),
  );
  return new Set(rows.map((r) => r.name));
}
