import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { TRANSLATION_LOCALES } from '~/i18n/locales.ts';
import { locale, none, lazy, rpc, schoolRole, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_schools_people.sql: schools, profiles, memberships; *_privacy_access_log.sql. */

/** A school's privacy details (the SQL checks on `schools` say the same). */
export const PRIVACY_LIMITS = {
  board: 120,
  contact: 200,
  /** How long a pupil's data is kept after they leave; 24 months is two school years. */
  retentionMonths: { min: 6, max: 120, default: 24 },
  /** Minutes without a request after which a pupil's session on a class device ends. */
  pupilIdleMinutes: { min: 2, max: 15, default: 5 },
} as const;

export const schoolRow = z.object({
  id: uuid,
  slug: z.string(),
  name: z.string(),
  logo_path: z.string().nullable(),
  contact_name: z.string().nullable(),
  contact_email: z.string().nullable(),
  contact_phone: z.string().nullable(),
  default_locale: locale,
  created_at: timestamp,
  /** The school board responsible for the data (the controller), as the admin wrote it. */
  privacy_board: z.string().nullable(),
  /** Who parents ask about privacy: a name and/or an e-mail address or phone number. */
  privacy_contact: z.string().nullable(),
  retention_months: z.number().int(),
  /** Minutes without a request after which a pupil's session ends (PRIVACY_LIMITS.pupilIdleMinutes). */
  pupil_idle_minutes: z.number().int(),
});
export type School = z.infer<typeof schoolRow>;

const profileRow = z.object({
  user_id: uuid,
  display_name: z.string(),
  email: z.string().nullable(),
  locale,
  /** The languages this person translates leaflets into. */
  translates: z.array(z.enum(TRANSLATION_LOCALES)).default([]),
  created_at: timestamp,
  updated_at: timestamp,
});

export const SCHOOLS_PEOPLE = {
  school_by_slug: lazy(() => rpc(z.object({ p_slug: z.string().max(40) }).strict(), z.array(schoolRow), { access: 'anon' })),
  my_memberships: lazy(() =>
    rpc(none, z.array(z.object({ school_id: uuid, school_slug: z.string(), school_name: z.string(), role: schoolRole }))),
  ),
  my_profile: lazy(() => rpc(none, z.array(profileRow))),
  update_my_profile: lazy(() =>
    rpc(
      z
        .object({
          p_display_name: z.string().trim().min(LIMITS.displayName.min).max(LIMITS.displayName.max),
          p_locale: locale,
        })
        .strict(),
      z.array(profileRow),
    ),
  ),
  set_my_translation_locales: lazy(() =>
    rpc(z.object({ p_locales: z.array(z.enum(TRANSLATION_LOCALES)).max(5) }).strict(), z.array(profileRow)),
  ),
  update_school: lazy(() =>
    rpc(
      z
        .object({
          p_school: uuid,
          p_name: z.string().trim().min(LIMITS.schoolName.min).max(LIMITS.schoolName.max),
          p_contact_name: z.string().trim().max(LIMITS.displayName.max),
          p_contact_email: z.string().trim().max(LIMITS.email),
          p_contact_phone: z.string().trim().max(LIMITS.phone),
          p_default_locale: locale,
        })
        .strict(),
      z.array(schoolRow),
      { changesPublicPages: true },
    ),
  ),
  update_school_privacy: lazy(() =>
    rpc(
      z
        .object({
          p_school: uuid,
          p_board: z.string().trim().max(PRIVACY_LIMITS.board),
          p_contact: z.string().trim().max(PRIVACY_LIMITS.contact),
          p_retention_months: z.number().int().min(PRIVACY_LIMITS.retentionMonths.min).max(PRIVACY_LIMITS.retentionMonths.max),
        })
        .strict(),
      z.array(schoolRow),
    ),
  ),
  update_pupil_idle_minutes: lazy(() =>
    rpc(
      z
        .object({
          p_school: uuid,
          p_minutes: z.number().int().min(PRIVACY_LIMITS.pupilIdleMinutes.min).max(PRIVACY_LIMITS.pupilIdleMinutes.max),
        })
        .strict(),
      z.array(schoolRow),
    ),
  ),
  set_school_logo: lazy(() =>
    rpc(z.object({ p_school: uuid, p_logo_path: z.string().max(300).nullable() }).strict(), z.array(schoolRow), {
      changesPublicPages: true,
    }),
  ),
  remove_person: lazy(() => rpc(z.object({ p_school: uuid, p_user: uuid }).strict(), z.number().int(), { returns: 'scalar' })),
} as const;
