import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { avatar, idArg, locale, none, lazy, rpc, schoolRole, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_classes_pupils.sql: classes, pupils, picture codes, guardian links. */

const classRow = z.object({ id: uuid, school_id: uuid, name: z.string(), school_year: z.string(), created_at: timestamp });
const pupilRow = z.object({
  id: uuid,
  school_id: uuid,
  class_id: uuid,
  first_name: z.string(),
  user_id: uuid.nullable(),
  created_at: timestamp,
});
const pupilCode = z.object({ pupil_id: uuid, first_name: z.string(), picture_code: z.string() });
const guardianLinkRow = z.object({
  id: uuid,
  school_id: uuid,
  pupil_id: uuid,
  parent_user_id: uuid,
  created_by: uuid.nullable(),
  created_at: timestamp,
});

export const CLASSES_PUPILS = {
  school_classes: lazy(() =>
    rpc(idArg('p_school'), z.array(z.object({ class_id: uuid, name: z.string(), school_year: z.string(), pupil_count: z.number().int() }))),
  ),
  create_class: lazy(() =>
    rpc(
      z
        .object({
          p_school: uuid,
          p_name: z.string().trim().min(LIMITS.className.min).max(LIMITS.className.max),
          p_school_year: z.string().regex(/^\d{4}-\d{4}$/),
        })
        .strict(),
      z.array(classRow),
    ),
  ),
  delete_class: lazy(() => rpc(idArg('p_class'), z.array(classRow))),
  class_pupils: lazy(() =>
    rpc(
      idArg('p_class'),
      z.array(z.object({ pupil_id: uuid, first_name: z.string(), has_signed_in: z.boolean(), avatar: avatar.nullable() })),
    ),
  ),
  /** Left (or back, for a mistake); returns the day their data will be erased. */
  set_pupil_left: lazy(() => rpc(z.object({ p_pupil: uuid, p_left: z.boolean() }).strict(), timestamp.nullable(), { returns: 'scalar' })),
  left_pupils: lazy(() =>
    rpc(idArg('p_class'), z.array(z.object({ pupil_id: uuid, first_name: z.string(), left_at: timestamp, erase_on: timestamp }))),
  ),
  set_pupil_avatar: lazy(() =>
    rpc(z.object({ p_pupil: uuid, p_avatar: avatar.nullable() }).strict(), avatar.nullable(), { returns: 'scalar' }),
  ),
  set_my_board_locale: lazy(() => rpc(z.object({ p_locale: locale.nullable() }).strict(), locale.nullable(), { returns: 'scalar' })),
  school_pupils: lazy(() =>
    rpc(idArg('p_school'), z.array(z.object({ pupil_id: uuid, first_name: z.string(), class_id: uuid, class_name: z.string() }))),
  ),
  add_pupils: lazy(() =>
    rpc(
      z
        .object({
          p_class: uuid,
          p_names: z.array(z.string().trim().min(LIMITS.pupilName.min).max(LIMITS.pupilName.max)).min(1).max(LIMITS.pupilsPerPaste),
        })
        .strict(),
      z.array(pupilCode),
    ),
  ),
  reset_pupil_codes: lazy(() =>
    rpc(z.object({ p_class: uuid, p_pupils: z.array(uuid).min(1).max(LIMITS.pupilsPerClass) }).strict(), z.array(pupilCode)),
  ),
  remove_pupil: lazy(() => rpc(idArg('p_pupil'), z.array(pupilRow))),
  school_people: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          user_id: uuid,
          display_name: z.string().nullable(),
          email: z.string().nullable(),
          /** Empty for someone who only still has a link to a pupil. */
          roles: z.array(schoolRole),
          children: z.array(z.object({ link_id: uuid, pupil_id: uuid, first_name: z.string(), class_name: z.string() })),
        }),
      ),
    ),
  ),
  school_class_teachers: lazy(() =>
    rpc(idArg('p_school'), z.array(z.object({ class_id: uuid, user_id: uuid, display_name: z.string().nullable() }))),
  ),
  set_class_teachers: lazy(() =>
    rpc(z.object({ p_class: uuid, p_teachers: z.array(uuid).max(LIMITS.teachersPerClass) }).strict(), z.array(z.object({ user_id: uuid }))),
  ),
  class_lockouts: lazy(() =>
    rpc(
      idArg('p_class'),
      z.array(z.object({ pupil_id: uuid, locked_until: timestamp.nullable(), needs_teacher: z.boolean(), lockouts: z.number().int() })),
    ),
  ),
  unlock_pupil: lazy(() => rpc(idArg('p_pupil'), z.number().int(), { returns: 'scalar' })),
  link_guardian: lazy(() => rpc(z.object({ p_pupil: uuid, p_parent: uuid }).strict(), z.array(guardianLinkRow))),
  unlink_guardian: lazy(() => rpc(idArg('p_link'), z.array(guardianLinkRow))),
  my_children: lazy(() =>
    rpc(
      none,
      z.array(
        z.object({
          pupil_id: uuid,
          first_name: z.string(),
          class_id: uuid,
          class_name: z.string(),
          school_year: z.string(),
          school_id: uuid,
          school_slug: z.string(),
          school_name: z.string(),
        }),
      ),
    ),
  ),
  my_pupil: lazy(() =>
    rpc(
      none,
      z.array(
        z.object({
          pupil_id: uuid,
          first_name: z.string(),
          avatar: avatar.nullable(),
          board_locale: locale.nullable(),
          class_id: uuid,
          class_name: z.string(),
          school_id: uuid,
          school_slug: z.string(),
          school_name: z.string(),
          school_locale: locale,
        }),
      ),
    ),
  ),
} as const;
