import type { SqlEngine } from '../embedded/sql.ts';
import { claimMail, markNotSent, markSent, nextMailDue, type OutboxRow } from './outbox.ts';
import { MailNotSent, mailText, type MailErrorCategory, type MailTransport } from './port.ts';
import { onMailQueued } from './signal.ts';

/**
 * Sends the outbox: the due mails, most urgent first, a few at a time; each is marked sent, or
 * tried again after 1, 5, 30 and 120 minutes, then failed (mailTrouble() shows it to the admin).
 * Wakes when a mail is queued (signal.ts), when the next retry is due, and at least every minute.
 * Logs counts and one-word reasons only, never an address, subject or code.
 */
export const RETRY_AFTER_MINUTES = [1, 5, 30, 120] as const;
export const MAX_ATTEMPTS = RETRY_AFTER_MINUTES.length + 1;

/** Failures of the connection, not of one mail: the rest of the batch waits too, without trying. */
const SERVER_TROUBLE: ReadonlySet<MailErrorCategory> = new Set(['connection', 'timeout', 'tls', 'auth']);

export interface DispatcherOptions {
  engine: SqlEngine;
  transport: MailTransport;
  log: (line: string) => void;
  /** The clock (tests move it to walk through the back-off). */
  now?: () => Date;
  batchSize?: number;
  /** How long a taken mail is held for this sender (a server that stops while sending frees it after this). */
  leaseSeconds?: number;
  /** The longest sleep between rounds. */
  idleMs?: number;
  /** The domain of the Message-ID, which stays the same for every try of a mail. */
  messageIdDomain?: string;
}

export interface Dispatcher {
  /** Starts the rounds and listens for newly queued mail. */
  /** Starts sending; what waits in the outbox already is looked at after `firstAfterMs` (0). */
  start(firstAfterMs?: number): void;
  /** A round now (or right after the running one). */
  kick(): void;
  /** One round: sends what is due; returns how many mails it took. */
  runOnce(): Promise<number>;
  stop(): void;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { engine, transport, log } = options;
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 5;
  const leaseSeconds = options.leaseSeconds ?? 300;
  const idleMs = options.idleMs ?? 60_000;
  const domain = options.messageIdDomain ?? 'portal.invalid';

  let stopped = true;
  let running = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;

  const messageId = (row: OutboxRow) => `<outbox-${row.id}-${row.created_at.getTime()}@${domain}>`;

  async function runOnce(): Promise<number> {
    const rows = await claimMail(engine, now(), batchSize, leaseSeconds);
    rows.sort((a, b) => Number(b.kind === 'sign_in') - Number(a.kind === 'sign_in') || a.id - b.id);
    let serverDown: MailErrorCategory | undefined;
    const notSent = new Map<MailErrorCategory, number>();
    let givenUp = 0;
    for (const row of rows) {
      let category = serverDown;
      if (!category) {
        try {
          await transport.send({
            to: row.to_address,
            subject: row.subject,
            text: mailText(row.body, row.link),
            html: row.html,
            locale: row.locale,
            messageId: messageId(row),
            headers: row.headers,
            attachments: row.attachments,
          });
          await markSent(engine, row.id, now());
          continue;
        } catch (err) {
          category = err instanceof MailNotSent ? err.category : 'other';
          if (SERVER_TROUBLE.has(category)) serverDown = category;
        }
      }
      const attempts = row.attempts + 1;
      const wait = RETRY_AFTER_MINUTES[attempts - 1];
      const retryAt = wait === undefined ? null : new Date(now().getTime() + wait * 60_000);
      if ((await markNotSent(engine, row.id, category, retryAt)) === 'failed') givenUp += 1;
      notSent.set(category, (notSent.get(category) ?? 0) + 1);
    }
    if (notSent.size > 0) {
      const reasons = [...notSent].map(([c, n]) => `${n} ${c}`).join(', ');
      log(
        `mail: ${[...notSent.values()].reduce((a, b) => a + b, 0)} mail(s) not sent (${reasons}); ` +
          (givenUp ? `${givenUp} given up after ${MAX_ATTEMPTS} tries or past its use (shown to the admin), the rest ` : '') +
          'tried again later',
      );
    }
    return rows.length;
  }

  async function round(): Promise<void> {
    running = true;
    let delay = idleMs;
    try {
      for (;;) {
        again = false;
        const taken = await runOnce();
        if (stopped) return;
        if (!again && taken < batchSize) break;
      }
      const due = await nextMailDue(engine);
      if (due) delay = Math.min(idleMs, Math.max(200, due.getTime() - now().getTime()));
    } catch (err) {
      log(`mail: the outbox could not be read or updated (${err instanceof Error ? err.name : 'error'}); trying again in a minute`);
    } finally {
      running = false;
    }
    if (stopped) return;
    schedule(again ? 0 : delay);
  }

  function schedule(delay: number) {
    clearTimeout(timer);
    timer = setTimeout(kick, delay);
    timer.unref?.();
  }

  function kick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    void round();
  }

  return {
    start(firstAfterMs = 0) {
      if (!stopped) return;
      stopped = false;
      unsubscribe = onMailQueued(kick);
      if (firstAfterMs > 0) {
        timer = setTimeout(kick, firstAfterMs);
        timer.unref?.();
      } else kick();
    },
    kick,
    runOnce,
    stop() {
      stopped = true;
      clearTimeout(timer);
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
