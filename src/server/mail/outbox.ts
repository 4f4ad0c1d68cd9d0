import type { Sql, SqlEngine } from '../embedded/sql.ts';
import type { MailAttachment } from './port.ts';

/**
 * The embedded mode's outbox (supabase/embedded/0006_outbox.sql): every mail is a row, queued
 * in the same transaction as what caused it, sent by the dispatcher. These wrappers call only
 * the SQL functions of that file, as the owner.
 */

export interface QueuedMail {
  to: string;
  subject: string;
  /** The plain text. The link (if any) is kept apart for the dev mailbox and added under the text when sent. */
  body: string;
  html?: string | null;
  link?: string | null;
  locale: string;
  /** What the mail is about, one word (`meeting`): for the log, never the address. */
  kind: string;
  /** After this the mail is useless and fails rather than going out late. */
  expiresAt?: Date | null;
}

/** A notification's mail (src/server/notify): with its headers, files, and whom and which school it is for. */
export interface QueuedNotificationMail extends QueuedMail {
  headers?: Record<string, string> | null;
  attachments?: MailAttachment[] | null;
  userId: string | null;
  schoolId: string | null;
}

/** Queues a notification's mail inside the caller's transaction (see 0009_outbox_notifications.sql). */
export async function queueNotificationMailIn(sql: Sql, mail: QueuedNotificationMail): Promise<number> {
  const [row] = await sql.query<{ id: number | bigint | string }>(
    'select embedded_auth.queue_notification_mail($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) as id',
    [
      mail.to,
      mail.subject,
      mail.body,
      mail.html ?? null,
      mail.link ?? null,
      mail.locale,
      mail.kind,
      mail.expiresAt?.toISOString() ?? null,
      mail.headers ? JSON.stringify(mail.headers) : null,
      mail.attachments?.length ? JSON.stringify(mail.attachments) : null,
      mail.userId,
      mail.schoolId,
    ],
  );
  return Number(row!.id);
}

export type OutboxRow = {
  id: number;
  to_address: string;
  subject: string;
  body: string;
  html: string | null;
  link: string | null;
  locale: string;
  kind: string;
  attempts: number;
  created_at: Date;
  headers: Record<string, string> | null;
  attachments: MailAttachment[] | null;
};

/** Queues a mail inside the caller's transaction; returns its id. */
export async function queueMailIn(sql: Sql, mail: QueuedMail): Promise<number> {
  const [row] = await sql.query<{ id: number | bigint | string }>('select embedded_auth.queue_mail($1, $2, $3, $4, $5, $6, $7, $8) as id', [
    mail.to,
    mail.subject,
    mail.body,
    mail.html ?? null,
    mail.link ?? null,
    mail.locale,
    mail.kind,
    mail.expiresAt?.toISOString() ?? null,
  ]);
  return Number(row!.id);
}

export function queueMail(engine: SqlEngine, mail: QueuedMail): Promise<number> {
  return engine.transaction((sql) => queueMailIn(sql, mail));
}

/** The mails due at `now`, taken for `leaseSeconds`. */
export async function claimMail(engine: SqlEngine, now: Date, limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
  const rows = await engine.transaction((sql) =>
    sql.query<Omit<OutboxRow, 'id'> & { id: number | bigint | string }>('select * from embedded_auth.claim_mail_full($1, $2, $3)', [
      now.toISOString(),
      limit,
      leaseSeconds,
    ]),
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), created_at: new Date(r.created_at) }));
}

export async function markSent(engine: SqlEngine, id: number, now: Date): Promise<void> {
  await engine.transaction((sql) => sql.query('select embedded_auth.mail_sent($1, $2)', [id, now.toISOString()]));
}

/** A failed try; `retryAt` null: no more tries. Returns the mail's status after it. */
export async function markNotSent(engine: SqlEngine, id: number, category: string, retryAt: Date | null): Promise<'pending' | 'failed'> {
  const [row] = await engine.transaction((sql) =>
    sql.query<{ status: 'pending' | 'failed' | null }>('select embedded_auth.mail_not_sent($1, $2, $3) as status', [
      id,
      category,
      retryAt?.toISOString() ?? null,
    ]),
  );
  return row?.status ?? 'failed';
}

export async function nextMailDue(engine: SqlEngine): Promise<Date | null> {
  const [row] = await engine.transaction((sql) => sql.query<{ due: Date | string | null }>('select embedded_auth.next_mail_due() as due'));
  return row?.due ? new Date(row.due) : null;
}

export interface OutboxTrouble {
  failed: number;
  waiting: number;
  oldestWaiting: Date | null;
}

export async function outboxTrouble(engine: SqlEngine): Promise<OutboxTrouble> {
  const [row] = await engine.transaction((sql) =>
    sql.query<{ failed: number; waiting: number; oldest_waiting: Date | string | null }>('select * from embedded_auth.mail_trouble()'),
  );
  return {
    failed: Number(row?.failed ?? 0),
    waiting: Number(row?.waiting ?? 0),
    oldestWaiting: row?.oldest_waiting ? new Date(row.oldest_waiting) : null,
  };
}

const countOf = async (engine: SqlEngine, fn: string, at: Date): Promise<number> => {
  const [row] = await engine.transaction((sql) => sql.query<{ n: number }>(`select embedded_auth.${fn}($1) as n`, [at.toISOString()]));
  return Number(row?.n ?? 0);
};

/** Deletes sent mails sent before `before`; returns how many. */
export const purgeSentMailIn = (engine: SqlEngine, before: Date) => countOf(engine, 'purge_sent_mail', before);
/** Deletes failed mails queued before `before`; returns how many. */
export const purgeFailedMailIn = (engine: SqlEngine, before: Date) => countOf(engine, 'purge_failed_mail', before);
/** Failed mails (that are still of use) get a new round of tries; returns how many. */
export const retryFailedMailIn = (engine: SqlEngine, now: Date) => countOf(engine, 'retry_failed_mail', now);
