import { isEssential } from '~/domain/notifications.ts';
import type { ClaimedNotification } from '~/domain/rpc/notifications.ts';
import { dirOf, isLocale } from '~/i18n/locales.ts';
import { RETRY_AFTER_MINUTES } from '../mail/dispatcher.ts';
import { MailNotSent } from '../mail/port.ts';
import type { Db } from '../port.ts';
import { type PushSubscriptionKeys, type PushOutcome, type PushMessage, sendPush, type VapidKeys } from './push.ts';
import { type RenderedMail, renderNotification } from './render.ts';
import { oneClickPath, unsubscribePagePath, unsubscribeToken } from './unsubscribe.ts';

/**
 * Delivers the notifications (supabase/migrations/*_mail_notifications.sql): takes the due ones (each
 * server its own, `for update skip locked`), renders each for its reader, pushes it to their
 * devices once, and hands the mail over:
 *
 * - embedded mode: into the mail outbox, in the same transaction that marks it sent, so it is
 *   queued exactly once and then sent with the outbox's retries, failures shown to the admin;
 * - Supabase mode: by SMTP straight away; a failure is retried from this table with the outbox's
 *   back-off (1, 5, 30, 120 minutes), then failed and shown to the admin.
 *
 * Wakes when an action may have made one (signal.ts), when the next is due, and at least every
 * few seconds (another server may have made one). Logs counts and kinds, never an address or name.
 */

/** Hands one mail over; resolves false when the message was no longer this server's to send. */
export type MailHandOff = (row: ClaimedNotification, mail: RenderedMail) => Promise<boolean>;

export interface NotifierOptions {
  admin: Db;
  /** How a mail leaves (null: no mail at all, e.g. Supabase mode without SMTP). */
  mail: MailHandOff | null;
  /** Web Push: the keys, or null when push is off. */
  push: VapidKeys | null;
  /** The server's secret: unsubscribe links are signed with it. */
  secret: Buffer;
  url: (path: string) => string;
  log: (line: string) => void;
  now?: () => Date;
  organizer?: { name: string; email: string } | null;
  /** Test mode: push to a fake service on this machine. */
  allowLoopbackPush?: boolean;
  batchSize?: number;
  leaseSeconds?: number;
  idleMs?: number;
}

export interface Notifier {
  /** Starts delivering; the first look at what is due after `firstAfterMs` (0). */
  start(firstAfterMs?: number): void;
  kick(): void;
  /** One round at `at` (default: now): returns how many it took. */
  runOnce(at?: Date): Promise<number>;
  stop(): void;
}

/** The same outcome, counted per kind, for the log. */
type Tally = Map<string, number>;
const count = (tally: Tally, key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);

export function createNotifier(options: NotifierOptions): Notifier {
  const { admin, log } = options;
  const clock = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? 20;
  const leaseSeconds = options.leaseSeconds ?? 300;
  const idleMs = options.idleMs ?? 5_000;

  let stopped = true;
  let running = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function pushTo(row: ClaimedNotification, message: PushMessage): Promise<Record<PushOutcome, number>> {
    const outcome: Record<PushOutcome, number> = { sent: 0, gone: 0, failed: 0 };
    if (!options.push || !row.user_id || row.devices === 0) return outcome;
    const subscriptions: PushSubscriptionKeys[] = await admin.rpc('push_subscriptions_of', { p_user: row.user_id });
    for (const subscription of subscriptions) {
      const result = await sendPush(subscription, message, options.push, { allowLoopback: options.allowLoopbackPush ?? false });
      outcome[result] += 1;
      if (result === 'gone') await admin.rpc('remove_push_endpoint', { p_endpoint: subscription.endpoint });
    }
    return outcome;
  }

  async function deliver(
    row: ClaimedNotification,
    now: Date,
    tally: { sent: Tally; skipped: Tally; retried: Tally; failed: Tally; pushes: Record<PushOutcome, number> },
  ) {
    if (row.turned_off) {
      await admin.rpc('notification_skipped', { p_id: row.id, p_reason: 'turned_off' });
      count(tally.skipped, row.kind);
      return;
    }
    const lang = isLocale(row.locale) ? row.locale : 'nl';
    const token = row.user_id && !isEssential(row.kind) ? unsubscribeToken(options.secret, row.user_id, row.kind) : null;
    let rendered: ReturnType<typeof renderNotification>;
    try {
      rendered = renderNotification({
        kind: row.kind,
        locale: lang,
        schoolName: row.school_name ?? '',
        schoolSlug: row.school_slug,
        payload: row.payload,
        pushNames: row.push_names,
        url: options.url,
        unsubscribe: token
          ? { page: options.url(unsubscribePagePath(lang, token)), oneClick: options.url(oneClickPath(lang, token)) }
          : null,
        organizer: options.organizer ? { name: row.school_name ?? '', email: options.organizer.email } : null,
        now,
      });
    } catch {
      // Facts it cannot write a message from: a bug, shown to the admin as a failed message.
      await admin.rpc('notification_not_sent', { p_id: row.id, p_error: 'render', p_retry_at: null });
      count(tally.failed, row.kind);
      return;
    }

    // The phone first, once: a retry of the mail does not buzz again.
    if (!row.pushed && row.devices > 0 && options.push) {
      const pushed = await pushTo(row, { ...rendered.push, lang, dir: dirOf(lang) });
      for (const k of ['sent', 'gone', 'failed'] as const) tally.pushes[k] += pushed[k];
      await admin.rpc('notification_pushed', { p_id: row.id });
    }

    if (!row.email || !options.mail) {
      if (row.devices > 0 && options.push) {
        await admin.rpc('notification_sent', { p_id: row.id, p_now: now.toISOString() });
        count(tally.sent, row.kind);
      } else if (!row.email) {
        await admin.rpc('notification_skipped', { p_id: row.id, p_reason: 'unreachable' });
        count(tally.skipped, row.kind);
      } else {
        await retry(row, 'no_transport', now, tally);
      }
      return;
    }
    try {
      if (await options.mail(row, rendered.mail)) count(tally.sent, row.kind);
    } catch (err) {
      await retry(row, err instanceof MailNotSent ? err.category : 'other', now, tally);
    }
  }

  async function retry(row: ClaimedNotification, category: string, now: Date, tally: { retried: Tally; failed: Tally }) {
    const wait = RETRY_AFTER_MINUTES[row.attempts];
    const at = wait === undefined ? null : new Date(now.getTime() + wait * 60_000).toISOString();
    const status = await admin.rpc('notification_not_sent', { p_id: row.id, p_error: category, p_retry_at: at });
    count(status === 'failed' ? tally.failed : tally.retried, row.kind);
  }

  async function runOnce(at?: Date): Promise<number> {
    const now = at ?? clock();
    const rows = await admin.rpc('claim_notifications', { p_now: now.toISOString(), p_limit: batchSize, p_lease_seconds: leaseSeconds });
    const tally = { sent: new Map(), skipped: new Map(), retried: new Map(), failed: new Map(), pushes: { sent: 0, gone: 0, failed: 0 } };
    for (const row of rows) {
      try {
        await deliver(row, now, tally);
      } catch (err) {
        // The database answered nothing sensible: the lease frees the row for another round.
        log(`notifications: a ${row.kind} message could not be handled (${err instanceof Error ? err.name : 'error'}); tried again later`);
      }
    }
    const summary = (name: string, t: Tally) => (t.size ? `${name} ${[...t].map(([k, n]) => `${n} ${k}`).join(', ')}` : null);
    const parts = [
      summary('sent', tally.sent),
      summary('skipped', tally.skipped),
      summary('to retry', tally.retried),
      summary('failed', tally.failed),
    ];
    const p = tally.pushes;
    if (p.sent + p.gone + p.failed > 0) parts.push(`push ${p.sent} delivered, ${p.gone} gone (removed), ${p.failed} not delivered`);
    const line = parts.filter(Boolean).join('; ');
    if (line) log(`notifications: ${line}`);
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
      const due = await admin.rpc('next_notification_due', {});
      if (due) delay = Math.min(idleMs, Math.max(200, new Date(due).getTime() - clock().getTime()));
    } catch (err) {
      log(`notifications: could not be read or updated (${err instanceof Error ? err.name : 'error'}); trying again shortly`);
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
    },
  };
}

/** For the log and tests: a mail transport that did not take a mail says why in one word. */
export { MailNotSent };
