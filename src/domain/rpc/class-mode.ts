import { z } from 'zod';
import { avatar, idArg, lazy, rpc, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_class_mode_sign_in.sql: classroom devices, picture codes, sign-in records. */

const deviceToken = z.object({ p_device_token: z.string().max(100) }).strict();
const hash = z.string().regex(/^[0-9a-f]{64}$/);
const limitKeys = z.object({ p_keys: z.array(hash).min(1).max(4) }).strict();

export const CLASS_MODE = {
  open_class_mode: lazy(() => rpc(idArg('p_class'), z.array(z.object({ device_token: z.string(), expires_at: timestamp })))),
  class_device_roster: lazy(() =>
    rpc(
      deviceToken,
      z.array(
        z.object({
          class_id: uuid,
          class_name: z.string(),
          school_slug: z.string(),
          school_name: z.string(),
          pupils: z.array(z.object({ pupil_id: uuid, first_name: z.string(), avatar: avatar.nullable(), needs_teacher: z.boolean() })),
          expires_at: timestamp,
        }),
      ),
      { access: 'service' },
    ),
  ),
  close_class_device: lazy(() => rpc(deviceToken, z.null(), { returns: 'void', access: 'service' })),
  pupil_sign_in: lazy(() =>
    rpc(
      z.object({ p_device_token: z.string().max(100), p_pupil: uuid, p_code: z.string().max(40) }).strict(),
      z.array(
        z.object({
          status: z.enum(['ok', 'wrong_code', 'locked', 'needs_teacher', 'class_mode_closed', 'unknown_pupil', 'no_code']),
          pupil_user_id: uuid.nullable(),
          first_name: z.string().nullable(),
          attempts_left: z.number().int().nullable(),
          locked_until: timestamp.nullable(),
          session_ends_at: timestamp.nullable(),
        }),
      ),
      { access: 'service' },
    ),
  ),
  /** …_class_mode_sign_in.sql: a pupil's idle clock starts, and is asked on every request. */
  pupil_session_started: lazy(() => rpc(z.object({ p_pupil: uuid }).strict(), z.null(), { returns: 'void', access: 'service' })),
  pupil_session_alive: lazy(() => rpc(z.object({ p_user: uuid }).strict(), z.boolean(), { returns: 'scalar', access: 'service' })),
  link_pupil_user: lazy(() => rpc(z.object({ p_pupil: uuid, p_user: uuid }).strict(), z.null(), { returns: 'void', access: 'service' })),
  record_sign_in_event: lazy(() =>
    rpc(z.object({ p_kind: z.string().max(20), p_outcome: z.string().max(40) }).strict(), z.null(), {
      returns: 'void',
      access: 'service',
    }),
  ),
  auth_limit_state: lazy(() => rpc(limitKeys, timestamp.nullable(), { returns: 'scalar', access: 'service' })),
  auth_limit_hit: lazy(() =>
    rpc(
      z
        .object({
          p_key: hash,
          p_limit: z.number().int().min(1).max(1000),
          p_window_seconds: z.number().int().min(1).max(86_400),
          p_lock_seconds: z.number().int().min(1).max(86_400),
          p_max_lock_seconds: z
            .number()
            .int()
            .min(1)
            .max(7 * 86_400),
        })
        .strict(),
      timestamp.nullable(),
      { returns: 'scalar', access: 'service' },
    ),
  ),
  auth_limit_clear: lazy(() => rpc(limitKeys, z.null(), { returns: 'void', access: 'service' })),
} as const;
