import type { Locale } from '~/i18n/locales.ts';
import { bootBackend, log } from '../backend.ts';
import { outboxTrouble, purgeFailedMailIn, purgeSentMailIn, queueMail, retryFailedMailIn } from './outbox.ts';
import { MailNotSent, mailText } from './port.ts';
import { mailRuntime, type MailRuntime } from './runtime.ts';
import { mailQueued } from './signal.ts';

/**
 * The portal's mail, for pages and actions. In embedded mode every mail goes into the outbox and
 * the dispatcher sends it (retried, never silently lost; `mailTrouble` shows what is stuck). In
 * Supabase mode Auth sends the sign-in mails itself and the portal's other mails go out directly
 * by SMTP: a failure comes back as 'failed' for the page to say. Never logged: an address,
 * a name or a code is personal data.
 */
export type { MailTransport, OutgoingMail, MailErrorCategory } from './port.ts';
export { MailNotSent } from './port.ts';

export interface Mail {
  to: string;
  subject: string;
  /** The plain-text part (always sent). */
  body: string;
  /** An HTML part, when the mail has one. */
  html?: string | null;
  link?: string | null;
  /** The recipient's language: the mail is written in it and says so (Content-Language). */
  locale: Locale;
  /** What it is about, one word (`meeting`), for the log. */
  kind?: string;
  /** After this the mail is of no use (a meeting has begun): not sent any more, counted as failed. */
  expiresAt?: Date | null;
}

/**
 * - `queued`: in the outbox (embedded), sent within seconds when a transport is set;
 * - `sent`: the SMTP server took it (Supabase mode);
 * - `failed`: the SMTP server did not take it (Supabase mode; nothing is stored to retry);
 * - `no_transport`: Supabase mode without SMTP settings.
 */
export type MailOutcome = 'queued' | 'sent' | 'failed' | 'no_transport';

/** The mail runtime, starting the backend first when it has not started yet. */
async function running(): Promise<MailRuntime | undefined> {
  if (!mailRuntime()) await bootBackend();
  return mailRuntime();
}

export async function sendMail(mail: Mail): Promise<MailOutcome> {
  const rt = await running();
  if (rt?.owner) {
    await queueMail(rt.owner, { ...mail, kind: mail.kind ?? 'other' });
    mailQueued();
    return 'queued';
  }
  if (!rt?.transport) return 'no_transport';
  try {
    await rt.transport.send({
      to: mail.to,
      subject: mail.subject,
      text: mailText(mail.body, mail.link),
      html: mail.html ?? null,
      locale: mail.locale,
    });
    return 'sent';
  } catch (err) {
    rt.failedDirect += 1;
    log(`mail: a ${mail.kind ?? 'other'} mail could not be sent (${err instanceof MailNotSent ? err.category : 'other'})`);
    return 'failed';
  }
}

export interface MailTrouble {
  /** Mails given up on (embedded: still stored; Supabase mode: since this server started). */
  failed: number;
  /** Mails in the outbox not sent yet, retries included. */
  waiting: number;
  /** How long the oldest waiting mail has waited, in whole minutes (null: none waits). */
  oldestWaitingMinutes: number | null;
  /** How mail leaves: 'none' means nothing is sent at all (a setting is missing). */
  transport: 'smtp' | 'dev_mailbox' | 'none';
}

/** For the admin's pages: whether mail is stuck or lost. */
export async function mailTrouble(now: Date = new Date()): Promise<MailTrouble> {
  const rt = await running();
  const transport = rt?.transport?.kind ?? 'none';
  if (!rt?.owner) return { failed: rt?.failedDirect ?? 0, waiting: 0, oldestWaitingMinutes: null, transport };
  const t = await outboxTrouble(rt.owner);
  return {
    failed: t.failed,
    waiting: t.waiting,
    oldestWaitingMinutes: t.oldestWaiting ? Math.max(0, Math.floor((now.getTime() - t.oldestWaiting.getTime()) / 60_000)) : null,
    transport,
  };
}

/** Retention: deletes the mails sent before `olderThan` (7 days is the rule); returns how many. */
export async function purgeSentMail(olderThan: Date): Promise<number> {
  const owner = (await running())?.owner;
  return owner ? purgeSentMailIn(owner, olderThan) : 0;
}

/** Retention for failed mails (kept longer, so the admin sees them): deletes those queued before `olderThan`. */
export async function purgeFailedMail(olderThan: Date): Promise<number> {
  const owner = (await running())?.owner;
  return owner ? purgeFailedMailIn(owner, olderThan) : 0;
}

/** After the mail settings were fixed: failed mails that are still of use get a new round of tries. */
export async function retryFailedMail(): Promise<number> {
  const rt = await running();
  if (!rt?.owner) return 0;
  const again = await retryFailedMailIn(rt.owner, new Date());
  if (again) rt.dispatcher?.kick();
  return again;
}
