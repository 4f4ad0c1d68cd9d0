import { z } from 'zod';
import { NOTIFICATION_KINDS, choosableKinds } from '~/domain/notifications.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { typedTime } from '~/server/forms.ts';
import { signedInPerson } from '~/server/guards.ts';
import { ensurePushDevice, pushDevice } from '~/server/notify/device.ts';
import { pushEndpointAllowed } from '~/server/notify/push.ts';
import { notifyRuntime } from '~/server/notify/runtime.ts';
import { readUnsubscribeToken } from '~/server/notify/unsubscribe.ts';
import { runtimeSecret } from '~/server/backend.ts';
import { anyone, formAction, Refusal } from './define.ts';

/**
 * A person's messages (issue 20): which kinds they get, quiet hours for reminders, the staff's
 * digest, the child's name on a lock screen; this device's Web Push subscription; and the
 * unsubscribe link of a mail (signed, so it works without signing in).
 */
const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/);

export const notifications = {
  /** Every choice on the account page in one form: ticked kinds are on. */
  saveSettings: formAction({
    guard: signedInPerson,
    input: z.object({
      on: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length).default([]),
      quiet: z.boolean().default(false),
      quiet_from: typedTime.or(z.literal('')).optional(),
      quiet_until: typedTime.or(z.literal('')).optional(),
      digest: z.enum(['daily', 'instant']).optional(),
      push_names: z.boolean().default(false),
    }),
    async handler(input, _, { locals }) {
      const [mine] = await locals.backend.db.rpc('my_notification_settings', { p_device: null });
      if (!mine) throw new Refusal({ _form: locals.t('errors.forbidden') });
      const shown = choosableKinds({ parent: mine.is_parent, staff: mine.is_staff, admin: mine.is_admin });
      // Only the kinds the page showed are decided here; others keep what they were.
      const off = [
        ...new Set([...mine.off_kinds.filter((k) => !(shown as string[]).includes(k)), ...shown.filter((k) => !input.on.includes(k))]),
      ];
      const from = input.quiet ? input.quiet_from || '' : '';
      const until = input.quiet ? input.quiet_until || '' : '';
      if (input.quiet && (!from || !until || from === until)) throw new Refusal({ quiet_from: locals.t('notify:settings.errorQuiet') });
      await locals.backend.db.rpc('save_my_notification_settings', {
        p_off_kinds: off.filter((k): k is (typeof NOTIFICATION_KINDS)[number] => (NOTIFICATION_KINDS as readonly string[]).includes(k)),
        p_quiet_from: input.quiet ? from : null,
        p_quiet_until: input.quiet ? until : null,
        p_staff_digest: mine.is_staff ? (input.digest ?? 'daily') === 'daily' : mine.staff_digest,
        p_push_names: input.push_names,
      });
      return { ok: true, to: `/${locals.lang}/app/account#notifications`, flash: { key: 'notify:settings.saved' } };
    },
  }),

  /**
   * This device receives notifications: the page's script asked the browser for a subscription
   * (with the server's public key) and put it in the form; without a script there is no button.
   */
  pushOn: formAction({
    guard: signedInPerson,
    input: z.object({
      endpoint: z.string().trim().max(1000),
      p256dh: base64url(80, 100),
      auth: base64url(16, 32),
    }),
    async handler({ endpoint, p256dh, auth }, _, { locals, cookies, url }) {
      if (!notifyRuntime()?.pushPublicKey) throw new Refusal({ _form: locals.t('notify:push.failed') });
      if (!pushEndpointAllowed(endpoint, notifyRuntime()?.testMode ?? false)) {
        throw new Refusal({ _form: locals.t('notify:push.unknownService') });
      }
      const device = ensurePushDevice(cookies, url);
      await locals.backend.db.rpc('save_my_push_subscription', { p_device: device, p_endpoint: endpoint, p_p256dh: p256dh, p_auth: auth });
      return { ok: true, to: `/${locals.lang}/app/account#push`, flash: { key: 'notify:push.enabled' } };
    },
    refusals: (err, t) =>
      err instanceof RpcError && err.code === 'too_many_devices'
        ? { _form: t('notify:push.tooMany') }
        : err instanceof RpcError && err.code === 'invalid'
          ? { _form: t('notify:push.unknownService') }
          : undefined,
  }),

  /** This device (`all`: every device of mine) stops receiving notifications. */
  pushOff: formAction({
    guard: signedInPerson,
    input: z.object({ all: z.boolean().default(false) }),
    async handler({ all }, _, { locals, cookies }) {
      const device = pushDevice(cookies);
      if (all) {
        await locals.backend.db.rpc('remove_my_push_devices', {});
      } else if (device) {
        await locals.backend.db.rpc('remove_my_push_device', { p_device: device });
      }
      return { ok: true, to: `/${locals.lang}/app/account#push`, flash: { key: all ? 'notify:push.disabledAll' : 'notify:push.disabled' } };
    },
  }),

  /** The button on the unsubscribe page (the one-click POST of a mail program goes to its own route). */
  unsubscribe: formAction({
    guard: anyone,
    input: z.object({ token: z.string().max(120) }),
    async handler({ token }, _, { locals }) {
      const read = readUnsubscribeToken(await runtimeSecret(), token);
      if (!read) throw new Refusal({ _form: locals.t('notify:unsubscribe.invalid') });
      await locals.backend.admin.rpc('unsubscribe_notifications', { p_user: read.userId, p_kind: read.kind });
      return { ok: true, to: `/${locals.lang}/unsubscribe/${token}?done=1` };
    },
  }),
};
