/**
 * Notifications (supabase/migrations/*_mail_notifications.sql): the kinds of message, who gets them,
 * which a person may turn off, which wait for the staff's digest and which for quiet hours. The
 * SQL lists are tied to these by tests/db/schema.test.ts.
 */

/** Messages to parents. */
export const PARENT_KINDS = [
  'meeting_planned',
  'meeting_changed',
  'meeting_cancelled',
  'slot_booked',
  'meeting_reminder',
  'round_opened',
  'round_reminder',
  'agreements_recorded',
  'needs_round_closed',
  'erasure_answered',
] as const;

/** Messages to staff (`erasure_requested`: to the school's admins). */
export const STAFF_KINDS = [
  'meeting_requested',
  'preparation_shared',
  'interpreter_asked',
  'feedback_given',
  'round_unbooked',
  'erasure_requested',
] as const;

export const NOTIFICATION_KINDS = [...PARENT_KINDS, ...STAFF_KINDS, 'digest'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * What a law requires the portal to send: the answer to a request for erasure (GDPR art. 12(3))
 * and, for admins, that one waits (the school must answer within a month). `digest` carries the
 * staff's chosen messages: whether they get them is chosen per kind inside it.
 */
export const ESSENTIAL_KINDS = ['erasure_answered', 'erasure_requested', 'digest'] as const satisfies readonly NotificationKind[];

/** Staff get these in one daily digest unless they choose each at once. */
export const DIGEST_KINDS = [
  'meeting_requested',
  'preparation_shared',
  'interpreter_asked',
  'feedback_given',
] as const satisfies readonly NotificationKind[];

/** Reminders wait for the end of the reader's quiet hours. */
export const REMINDER_KINDS = ['meeting_reminder', 'round_reminder', 'round_unbooked'] as const satisfies readonly NotificationKind[];

/** Calendar files go with these (the meeting as it is now, or its cancellation). */
export const CALENDAR_KINDS = [
  'meeting_planned',
  'meeting_changed',
  'meeting_cancelled',
  'slot_booked',
] as const satisfies readonly NotificationKind[];

export function isEssential(kind: string): boolean {
  return (ESSENTIAL_KINDS as readonly string[]).includes(kind);
}

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/** The kinds a person may turn on or off on their account page, by what they are in a school. */
export function choosableKinds(who: { parent: boolean; staff: boolean; admin: boolean }): NotificationKind[] {
  const kinds: NotificationKind[] = [];
  if (who.parent) kinds.push(...PARENT_KINDS.filter((k) => !isEssential(k)));
  if (who.staff) kinds.push(...STAFF_KINDS.filter((k) => !isEssential(k)));
  return kinds;
}

/** The essential kinds a person receives, shown as "always on". */
export function alwaysOnKinds(who: { parent: boolean; staff: boolean; admin: boolean }): NotificationKind[] {
  const kinds: NotificationKind[] = [];
  if (who.parent || who.staff) kinds.push('erasure_answered');
  if (who.admin) kinds.push('erasure_requested');
  return kinds;
}

/** Quiet hours as people choose them: whole quarters of an hour. */
export const QUIET_HOURS_DEFAULT = { from: '21:00', until: '07:00' } as const;

/** The most devices one person may have receiving notifications (the SQL says the same). */
export const MAX_PUSH_DEVICES = 10;

/** The to-do list's items, in the order `my_todo` may return them. */
export const TODO_ITEMS = [
  'choose_time',
  'prepare',
  'feedback',
  'agreements',
  'requests',
  'preparations',
  'unbooked',
  'interpreters',
  'erasure',
] as const;
export type TodoItem = (typeof TODO_ITEMS)[number];
