import type { Config } from '../config.ts';
import type { SqlEngine } from '../embedded/sql.ts';
import { queueNotificationMailIn } from '../mail/outbox.ts';
import { MailNotSent, mailText, type MailTransport } from '../mail/port.ts';
import { mailQueued } from '../mail/signal.ts';
import type { Db } from '../port.ts';
import { type VapidKeys, vapidKeys } from './push.ts';
import { createNotifier, type MailHandOff, type Notifier } from './worker.ts';

/**
 * The notifications side of the running server (src/server/backend.ts starts it in both modes):
 * the notifier, how its mails leave, and the Web Push keys. See worker.ts.
 */
export interface NotifyRuntime {
  notifier: Notifier;
  /** The public key browsers subscribe with (null: push is off). */
  pushPublicKey: string | null;
  testMode: boolean;
}

let current: NotifyRuntime | undefined;
const listeners = new Set<() => void>();

export function notifyRuntime(): NotifyRuntime | undefined {
  return current;
}

/** Something may have made notifications (an action succeeded): deliver them now, not in a few seconds. */
export function notificationsMayWait(): void {
  current?.notifier.kick();
  for (const listener of listeners) listener();
}

/** Embedded mode: into the outbox, in the same transaction that marks the notification sent. */
export function outboxHandOff(owner: SqlEngine, now: () => Date): MailHandOff {
  class Taken extends Error {}
  return async (row, mail) => {
    try {
      await owner.transaction(async (sql) => {
        await queueNotificationMailIn(sql, {
          to: row.email!,
          subject: mail.subject,
          body: mail.text,
          html: mail.html,
          link: mail.link,
          locale: row.locale,
          kind: row.kind,
          expiresAt: null,
          headers: mail.headers,
          attachments: mail.attachments,
          userId: row.user_id,
          schoolId: row.school_id,
        });
        const [done] = await sql.query<{ ok: boolean }>('select public.notification_sent($1, $2) as ok', [row.id, now().toISOString()]);
        if (!done?.ok) throw new Taken();
      });
    } catch (err) {
      if (err instanceof Taken) return false;
      throw err;
    }
    mailQueued();
    return true;
  };
}

/** Supabase mode: by SMTP now; the notification is marked sent when the server took the mail. */
export function smtpHandOff(admin: Db, transport: MailTransport, domain: string, now: () => Date): MailHandOff {
  return async (row, mail) => {
    await transport.send({
      to: row.email!,
      subject: mail.subject,
      text: mailText(mail.text, null),
      html: mail.html,
      locale: row.locale,
      messageId: `<notification-${row.id}-${new Date(row.created_at).getTime()}@${domain}>`,
      headers: mail.headers,
      attachments: mail.attachments,
    });
    return admin.rpc('notification_sent', { p_id: row.id, p_now: now().toISOString() });
  };
}

export function startNotifications(input: {
  config: Config;
  admin: Db;
  owner?: SqlEngine;
  transport: MailTransport | null;
  secret: Buffer;
  url: (path: string) => string;
  log: (line: string) => void;
  /** When to look at what is due first (a start leaves the first page the database to itself). */
  firstAfterMs?: number;
}): NotifyRuntime {
  stopNotifications();
  const { config, admin, owner, transport, log } = input;
  const now = () => new Date();
  const domain = /@([^\s<>@]+)>?\s*$/.exec(config.smtp?.from ?? '')?.[1] ?? config.site.publicUrl.hostname;
  const fromAddress = /<?([^\s<>@]+@[^\s<>@]+)>?\s*$/.exec(config.smtp?.from ?? '')?.[1];
  let push: VapidKeys | null = null;
  try {
    push = vapidKeys(config);
  } catch (err) {
    log(`notifications: the Web Push keys could not be read or made (${err instanceof Error ? err.name : 'error'}); push is off`);
  }
  const mail: MailHandOff | null = owner ? outboxHandOff(owner, now) : transport ? smtpHandOff(admin, transport, domain, now) : null;
  const notifier = createNotifier({
    admin,
    mail,
    push,
    secret: input.secret,
    url: input.url,
    log,
    organizer: fromAddress ? { name: '', email: fromAddress } : null,
    allowLoopbackPush: config.testMode ?? false,
  });
  current = { notifier, pushPublicKey: push?.publicKey ?? null, testMode: config.testMode ?? false };
  log(
    `notifications: delivered by ${owner ? 'the mail outbox' : transport ? 'SMTP, retried from the notifications table' : 'nothing by mail (no SMTP set)'}` +
      `; Web Push ${push ? (config.vapid ? 'on (keys from the settings)' : 'on (keys in the data folder)') : 'off (set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)'}` +
      (config.testMode ? '; TEST MODE: dev clock on, pushes to this machine allowed' : ''),
  );
  notifier.start(input.firstAfterMs);
  return current;
}

export function stopNotifications(): void {
  current?.notifier.stop();
  current = undefined;
}

export { MailNotSent };
