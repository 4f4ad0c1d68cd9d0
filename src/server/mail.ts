import { embeddedRuntime } from './backend.ts';

/**
 * Mail the portal sends itself (an invitation to a meeting). In embedded mode it lands in the
 * dev mailbox, like the sign-in mails; a real mail transport is not there yet, so in Supabase
 * mode nothing is sent and the caller says so. Never logged: an address is personal data.
 */
export interface Mail {
  to: string;
  subject: string;
  body: string;
  link?: string | null;
}

export async function sendMail(mail: Mail): Promise<'sent' | 'no_transport'> {
  const runtime = await embeddedRuntime();
  if (!runtime) return 'no_transport';
  await runtime.owner.transaction((sql) =>
    sql.query('insert into embedded_auth.mailbox (to_address, subject, body, link) values ($1, $2, $3, $4)', [
      mail.to,
      mail.subject,
      mail.body,
      mail.link ?? null,
    ]),
  );
  return 'sent';
}
