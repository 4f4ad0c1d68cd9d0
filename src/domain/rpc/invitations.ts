import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { INVITABLE_ROLES, idArg, locale, lazy, rpc, schoolRole, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_invitations.sql: single-use codes to join a school. */

export const INVITATIONS = {
  create_invitation: lazy(() =>
    rpc(
      z
        .object({
          p_school: uuid,
          p_role: z.enum(INVITABLE_ROLES),
          p_pupils: z.array(uuid).max(LIMITS.childrenPerInvitation),
          p_locale: locale,
          p_label: z.string().trim().max(LIMITS.invitationLabel),
        })
        .strict(),
      z.array(z.object({ invitation_id: uuid, code: z.string(), expires_at: timestamp })),
    ),
  ),
  school_invitations: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          invitation_id: uuid,
          role: schoolRole,
          label: z.string().nullable(),
          locale,
          created_at: timestamp,
          expires_at: timestamp,
          used_at: timestamp.nullable(),
          pupils: z.array(z.string()),
        }),
      ),
    ),
  ),
  revoke_invitation: lazy(() => rpc(idArg('p_invitation'), z.array(z.object({ id: uuid }).loose()))),
  invitation_preview: lazy(() =>
    rpc(
      z.object({ p_code: z.string().max(40) }).strict(),
      z.array(
        z.object({ school_slug: z.string(), school_name: z.string(), role: schoolRole, status: z.enum(['valid', 'used', 'expired']) }),
      ),
      { access: 'anon' },
    ),
  ),
  redeem_invitation: lazy(() =>
    rpc(
      z
        .object({
          p_code: z.string().max(40),
          p_school_slug: z.string().max(40).nullable(),
          p_display_name: z.string().trim().min(LIMITS.displayName.min).max(LIMITS.displayName.max),
          p_locale: locale,
        })
        .strict(),
      z.array(z.object({ school_slug: z.string(), role: schoolRole })),
    ),
  ),
} as const;
