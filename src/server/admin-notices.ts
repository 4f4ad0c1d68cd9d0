import type { SchoolContext } from '~/server/guards.ts';
import { mailTrouble } from '~/server/mail/index.ts';

/**
 * What a school's admins see above every admin page (SchoolAdminNav): requests for erasure that
 * wait for an answer, and mail that is not sent at all (no transport), given up on or stuck — so
 * a sign-in code or an invitation is never silently lost. Loaded by the page, with its own data;
 * the components only show it. Null for staff who are not admins (they see neither).
 */
export interface AdminNotices {
  /** Requests for erasure not answered yet. */
  erasureWaiting: number;
  mail: {
    /** No way to send mail is set up. */
    none: boolean;
    /** Mails and notifications given up on. */
    failed: number;
    /** The oldest mail or notification still waiting has waited 15 minutes or more. */
    stuck: boolean;
  } | null;
}

/** Minutes after which a waiting mail is called stuck. */
const STUCK_MINUTES = 15;

export async function adminNotices(locals: App.Locals, ctx: SchoolContext, now: Date = new Date()): Promise<AdminNotices | null> {
  if (!ctx.isAdmin) return null;
  const { backend } = locals;
  const [requests, mail, [notes]] = await Promise.all([
    backend.db.rpc('school_erasure_requests', { p_school: ctx.school.id }).catch(() => []),
    mailTrouble(now).catch(() => null),
    // Notifications that could not be delivered (Supabase mode keeps their retries; a message that
    // cannot be written is a failure in either mode).
    backend.admin.rpc('notification_trouble', {}).catch(() => []),
  ]);
  const oldestWaitingMinutes =
    mail && notes?.oldest_waiting && mail.transport !== 'none'
      ? Math.max(mail.oldestWaitingMinutes ?? 0, Math.floor((now.getTime() - new Date(notes.oldest_waiting).getTime()) / 60_000))
      : (mail?.oldestWaitingMinutes ?? null);
  return {
    erasureWaiting: requests.filter((r) => !r.handled_at).length,
    mail: mail && {
      none: mail.transport === 'none',
      failed: mail.failed + (notes?.failed ?? 0),
      stuck: oldestWaitingMinutes !== null && oldestWaitingMinutes >= STUCK_MINUTES,
    },
  };
}
