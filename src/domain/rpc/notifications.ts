import { z } from 'zod';
import { NOTIFICATION_KINDS, TODO_ITEMS } from '~/domain/notifications.ts';
import { idArg, none, lazy, rpc, timestamp, uuid } from './shared.ts';

/**
 * supabase/migrations/*_mail_notifications.sql: events for people (claimed and delivered by the
 * server), a person's choices and devices, what they have read, and the to-do list.
 */

const kind = z.enum(NOTIFICATION_KINDS);
const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
  .nullable();
const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/);
export const pushDevice = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
export const pushSubscriptionArgs = z
  .object({
    p_device: pushDevice,
    p_endpoint: z.string().max(1000),
    p_p256dh: base64url(80, 100),
    p_auth: base64url(16, 32),
  })
  .strict();

/** A claimed message, with what rendering needs. `payload` holds the facts, as the SQL wrote them. */
export const claimedNotification = z.object({
  id: z.coerce.number().int(),
  kind,
  user_id: uuid.nullable(),
  school_id: uuid.nullable(),
  email: z.string().nullable(),
  locale: z.string(),
  name: z.string().nullable(),
  school_name: z.string().nullable(),
  school_slug: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  attempts: z.number().int(),
  created_at: timestamp,
  turned_off: z.boolean(),
  push_names: z.boolean(),
  pushed: z.boolean(),
  devices: z.number().int(),
});
export type ClaimedNotification = z.infer<typeof claimedNotification>;

export const NOTIFICATIONS = {
  schedule_notifications: lazy(() =>
    rpc(z.object({ p_now: timestamp }).strict(), z.array(z.object({ kind, queued: z.number().int() })), {
      access: 'service',
    }),
  ),
  claim_notifications: lazy(() =>
    rpc(
      z
        .object({ p_now: timestamp, p_limit: z.number().int().min(1).max(100), p_lease_seconds: z.number().int().min(10).max(3600) })
        .strict(),
      z.array(claimedNotification),
      { access: 'service' },
    ),
  ),
  notification_sent: lazy(() =>
    rpc(z.object({ p_id: z.number().int(), p_now: timestamp }).strict(), z.boolean(), {
      returns: 'scalar',
      access: 'service',
    }),
  ),
  notification_skipped: lazy(() =>
    rpc(z.object({ p_id: z.number().int(), p_reason: z.string().regex(/^[a-z_]{1,30}$/) }).strict(), z.boolean(), {
      returns: 'scalar',
      access: 'service',
    }),
  ),
  notification_not_sent: lazy(() =>
    rpc(
      z.object({ p_id: z.number().int(), p_error: z.string().regex(/^[a-z_]{1,30}$/), p_retry_at: timestamp.nullable() }).strict(),
      z.enum(['pending', 'failed']).nullable(),
      { returns: 'scalar', access: 'service' },
    ),
  ),
  notification_pushed: lazy(() => rpc(z.object({ p_id: z.number().int() }).strict(), z.null(), { returns: 'void', access: 'service' })),
  push_subscriptions_of: lazy(() =>
    rpc(idArg('p_user'), z.array(z.object({ endpoint: z.string(), p256dh: z.string(), auth: z.string() })), {
      access: 'service',
    }),
  ),
  remove_push_endpoint: lazy(() =>
    rpc(z.object({ p_endpoint: z.string().max(1000) }).strict(), z.number().int(), {
      returns: 'scalar',
      access: 'service',
    }),
  ),
  next_notification_due: lazy(() => rpc(none, timestamp.nullable(), { returns: 'scalar', access: 'service' })),
  notification_trouble: lazy(() =>
    rpc(none, z.array(z.object({ failed: z.number().int(), waiting: z.number().int(), oldest_waiting: timestamp.nullable() })), {
      access: 'service',
    }),
  ),
  retry_failed_notifications: lazy(() =>
    rpc(z.object({ p_now: timestamp }).strict(), z.number().int(), { returns: 'scalar', access: 'service' }),
  ),
  purge_notifications: lazy(() => rpc(z.object({ p_now: timestamp }).strict(), z.number().int(), { returns: 'scalar', access: 'service' })),
  unsubscribe_notifications: lazy(() =>
    rpc(z.object({ p_user: uuid, p_kind: kind }).strict(), z.boolean(), { returns: 'scalar', access: 'service' }),
  ),
  my_notification_settings: lazy(() =>
    rpc(
      z.object({ p_device: pushDevice.nullable() }).strict(),
      z.array(
        z.object({
          off_kinds: z.array(z.string()),
          quiet_from: z.string().nullable(),
          quiet_until: z.string().nullable(),
          staff_digest: z.boolean(),
          push_names: z.boolean(),
          devices: z.number().int(),
          this_device: z.boolean(),
          is_parent: z.boolean(),
          is_staff: z.boolean(),
          is_admin: z.boolean(),
        }),
      ),
    ),
  ),
  save_my_notification_settings: lazy(() =>
    rpc(
      z
        .object({
          p_off_kinds: z.array(kind).max(30),
          p_quiet_from: clock,
          p_quiet_until: clock,
          p_staff_digest: z.boolean(),
          p_push_names: z.boolean(),
        })
        .strict(),
      timestamp,
      { returns: 'scalar' },
    ),
  ),
  save_my_push_subscription: lazy(() => rpc(pushSubscriptionArgs, uuid, { returns: 'scalar' })),
  remove_my_push_device: lazy(() => rpc(z.object({ p_device: pushDevice }).strict(), z.number().int(), { returns: 'scalar' })),
  remove_my_push_devices: lazy(() => rpc(none, z.number().int(), { returns: 'scalar' })),
  mark_meeting_read: lazy(() => rpc(idArg('p_meeting'), timestamp, { returns: 'scalar' })),
  meeting_calendar_sequence: lazy(() => rpc(idArg('p_meeting'), z.number().int().nullable(), { returns: 'scalar' })),
  my_todo: lazy(() =>
    rpc(
      none,
      z.array(
        z.object({
          item: z.enum(TODO_ITEMS),
          school_slug: z.string(),
          ref: uuid.nullable(),
          at: timestamp.nullable(),
          names: z.array(z.string()).nullable(),
          count: z.number().int(),
          class_name: z.string().nullable(),
        }),
      ),
    ),
  ),
};
