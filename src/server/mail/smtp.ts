import type { Transporter } from 'nodemailer';
import { type MailAttachment, MailNotSent, type MailErrorCategory, type MailTransport } from './port.ts';

/**
 * The SMTP adapter (nodemailer): `SMTP_URL` (`smtp://user:pass@host:587`, STARTTLS when the
 * server offers it; `smtps://…:465`, TLS from the start) and `MAIL_FROM`. One connection per
 * mail: a school sends few, and a dropped connection never strands a queue. Nodemailer's own
 * logger stays off: it would write addresses. Nodemailer loads with the first mail or check, not
 * with the server (issue 24: start-up time).
 */
export interface SmtpSettings {
  url: string;
  from: string;
}

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function smtpTransport(settings: SmtpSettings): MailTransport {
  let made: Promise<Transporter> | undefined;
  const transporter = () =>
    (made ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({ url: settings.url, ...TIMEOUTS, logger: false, debug: false }),
    ));
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        await (await transporter()).sendMail({
          from: settings.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
          ...(mail.messageId ? { messageId: mail.messageId } : {}),
          headers: { ...(mail.headers ?? {}), 'Content-Language': mail.locale },
          ...calendarParts(mail.attachments ?? []),
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (err) {
        throw new MailNotSent(smtpErrorCategory(err));
      }
    },
    async verify() {
      try {
        await (await transporter()).verify();
      } catch (err) {
        throw new MailNotSent(smtpErrorCategory(err));
      }
    },
    close: () => {
      void made?.then(
        (t) => t.close(),
        () => undefined,
      );
    },
  };
}

/**
 * A calendar file goes as the mail's calendar part (text/calendar with its METHOD, which mail
 * programs show as an event to add, move or remove) and as an attachment; other files as attachments.
 */
function calendarParts(attachments: readonly MailAttachment[]) {
  const calendar = attachments.find((a) => a.contentType.startsWith('text/calendar'));
  const method = calendar ? (/^METHOD:(\w+)/m.exec(calendar.content)?.[1] ?? 'PUBLISH') : undefined;
  return {
    ...(calendar ? { icalEvent: { filename: calendar.filename, method, content: calendar.content } } : {}),
    ...(attachments.length
      ? {
          attachments: attachments.map((a) => ({
            filename: a.filename,
            content: a.content,
            contentType: a.contentType,
          })),
        }
      : {}),
  };
}

/** A nodemailer error as one word (its message may carry the server's reply with the address). */
export function smtpErrorCategory(err: unknown): MailErrorCategory {
  const { code, responseCode } = (err ?? {}) as { code?: string; responseCode?: number };
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2') return 'auth';
  if (code === 'ETLS' || code === 'EREQUIRETLS') return 'tls';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (typeof responseCode === 'number' && responseCode >= 400) return responseCode >= 500 ? 'refused' : 'deferred';
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS' || code === 'EPROXY' || code === 'EPROTOCOL') return 'connection';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ENOTFOUND') return 'connection';
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return 'refused';
  return 'other';
}

/** Where mail goes, for the start-up log: host and port, never the login. */
export function smtpServerLabel(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'smtps:' ? '465' : '587');
    return `${u.protocol === 'smtps:' ? 'smtps' : 'smtp'}://${u.hostname}:${port}`;
  } catch {
    return '(unparseable SMTP_URL)';
  }
}
