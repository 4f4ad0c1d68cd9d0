import type { Config } from '../config.ts';
import type { SqlEngine } from '../embedded/sql.ts';
import { devMailboxTransport } from './dev-mailbox.ts';
import { createDispatcher, type Dispatcher } from './dispatcher.ts';
import { MailNotSent, type MailTransport } from './port.ts';
import { smtpServerLabel, smtpTransport } from './smtp.ts';

/**
 * The mail side of the running server, set up by backend.ts at start:
 * - embedded mode: the outbox's dispatcher, sending by SMTP when SMTP_URL and MAIL_FROM are
 *   set, else to the dev mailbox when PORTAL_DEV_MAILBOX=1; with neither, mail waits in the
 *   outbox and the start-up log says so once;
 * - Supabase mode: Auth sends its own mails; the portal's other mails go out directly by SMTP.
 */
export interface MailRuntime {
  mode: 'embedded' | 'supabase';
  /** How the portal's mail leaves: null when it cannot. */
  transport: MailTransport | null;
  dispatcher?: Dispatcher;
  /** The outbox's database (embedded mode). */
  owner?: SqlEngine;
  /** Supabase mode: direct sends that failed since this server started. */
  failedDirect: number;
}

let current: MailRuntime | undefined;

export function mailRuntime(): MailRuntime | undefined {
  return current;
}

/** The domain of MAIL_FROM's address, else the public address's host: for Message-IDs. */
function senderDomain(config: Config): string {
  return /@([^\s<>@]+)>?\s*$/.exec(config.smtp?.from ?? '')?.[1] ?? config.site.publicUrl.hostname;
}

export function startMail({
  config,
  owner,
  log,
  firstAfterMs,
}: {
  config: Config;
  owner?: SqlEngine;
  log: (line: string) => void;
  /** When to look at what already waits in the outbox (a start leaves the first page the database to itself). */
  firstAfterMs?: number;
}): MailRuntime {
  stopMail();
  const smtp = config.smtp ? smtpTransport(config.smtp) : null;
  const where = config.smtp ? smtpServerLabel(config.smtp.url) : '';
  if (owner) {
    const transport = smtp ?? (config.site.devMailbox ? devMailboxTransport() : null);
    const dispatcher = transport ? createDispatcher({ engine: owner, transport, log, messageIdDomain: senderDomain(config) }) : undefined;
    current = { mode: 'embedded', transport, owner, failedDirect: 0, ...(dispatcher ? { dispatcher } : {}) };
    if (smtp) {
      log(`mail: sent by SMTP (${where}) from the outbox, retried after 1, 5, 30 and 120 minutes; what fails is shown to the admin`);
    } else if (transport) {
      log('mail: no SMTP set (SMTP_URL, MAIL_FROM): mails go only to the dev mailbox, none leaves this machine');
    } else {
      log(
        'mail: NO MAIL TRANSPORT CONFIGURED: sign-in codes and invitations wait in the outbox, unsent. ' +
          'Set SMTP_URL and MAIL_FROM to send them (or PORTAL_DEV_MAILBOX=1 to read them on this machine)',
      );
    }
    dispatcher?.start(firstAfterMs);
  } else {
    current = { mode: 'supabase', transport: smtp, failedDirect: 0 };
    log(
      smtp
        ? `mail: sign-in mails by Supabase Auth (its own SMTP settings); the portal's other mails (meeting invitations) by SMTP (${where})`
        : "mail: sign-in mails by Supabase Auth; no SMTP set (SMTP_URL, MAIL_FROM), so the portal's other mails (meeting invitations) are not sent",
    );
  }
  if (smtp) {
    // Not awaited: the server starts whether or not the mail server answers now.
    smtp.verify().then(
      () => log('mail: the SMTP server answered and accepted the login'),
      (err: unknown) =>
        log(`mail: the SMTP server could not be used just now (${err instanceof MailNotSent ? err.category : 'other'}); mails are retried`),
    );
  }
  return current;
}

export function stopMail(): void {
  current?.dispatcher?.stop();
  current?.transport?.close();
  current = undefined;
}
