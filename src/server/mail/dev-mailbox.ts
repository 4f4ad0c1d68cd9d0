import type { MailTransport } from './port.ts';

/**
 * The dev mailbox adapter: the mail is already where /dev/mailbox reads it (the outbox), so
 * "sending" only marks it delivered. Used when PORTAL_DEV_MAILBOX=1 and no SMTP is set; with
 * SMTP set the mailbox still shows every mail, and SMTP sends them.
 */
export function devMailboxTransport(): MailTransport {
  return {
    kind: 'dev_mailbox',
    send: async () => undefined,
    verify: async () => undefined,
    close: () => undefined,
  };
}
