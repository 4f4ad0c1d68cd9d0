/**
 * The mail port: what the portal hands a transport, and how a transport says it could not.
 * Two adapters: SMTP (smtp.ts, nodemailer) and the dev mailbox (dev-mailbox.ts). Nothing here is
 * ever logged whole: an address, a name or a code is personal data.
 */

/** One mail, ready to go: always a plain-text part, an HTML part only when there is one. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  /** The reader's language (`nl`, `ar`, …): the mail's Content-Language. */
  locale: string;
  /** The same for every try of the same mail, so a receiving server can tell a repeat. */
  messageId?: string;
  /** Headers of its own (List-Unsubscribe, List-Unsubscribe-Post): names and values as sent. */
  headers?: Record<string, string> | null;
  /** Files that go with it (a calendar file). */
  attachments?: MailAttachment[] | null;
}

/** A file that goes with a mail: a calendar file is sent as the mail's calendar part too. */
export interface MailAttachment {
  filename: string;
  /** `text/calendar; method=PUBLISH`, … */
  contentType: string;
  content: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'dev_mailbox';
  /** Resolves when the transport took the mail; throws `MailNotSent` when it did not. */
  send(mail: OutgoingMail): Promise<void>;
  /** Whether the server answers and accepts the login (start-up check); throws `MailNotSent`. */
  verify(): Promise<void>;
  close(): void;
}

/**
 * Why a try failed, as one word: this is what is stored and logged, never the server's own
 * reply (which often repeats the address).
 */
export type MailErrorCategory = 'connection' | 'timeout' | 'tls' | 'auth' | 'refused' | 'deferred' | 'other';

export class MailNotSent extends Error {
  override name = 'MailNotSent';
  constructor(readonly category: MailErrorCategory) {
    super(`mail not sent (${category})`);
  }
}

/** The plain-text part: the body, and the mail's link under it unless the body already has it. */
export function mailText(body: string, link: string | null | undefined): string {
  return link && !body.includes(link) ? `${body}\n\n${link}\n` : body;
}
