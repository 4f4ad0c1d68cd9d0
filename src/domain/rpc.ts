import { z } from 'zod';
import { BLOCK_KINDS, TRANSLATION_LOCALES } from './leaflets.ts';
import { LIMITS } from './limits.ts';

/**
 * The API the app calls: one entry per SQL function in supabase/migrations, with a zod
 * schema for its arguments (named as the SQL parameters) and one for its result. Both
 * adapters validate against these, and refuse a name that is not here before any SQL runs.
 *
 * `returns` says how the result comes back, as PostgREST shapes it: `rows` for a set-returning
 * function (an array), `scalar` for a single value, `void` for none.
 */

const uuid = z.uuid();
const timestamp = z.string(); // ISO 8601, as PostgREST returns it; the embedded adapter matches.
const locale = z.enum(['nl', 'en', 'ar', 'uk', 'pl', 'tr']);
export const schoolRole = z.enum(['admin', 'staff', 'parent', 'pupil']);
export type SchoolRole = z.infer<typeof schoolRole>;

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
});
export type School = z.infer<typeof schoolRow>;

const profileRow = z.object({
  user_id: uuid,
  display_name: z.string(),
  email: z.string().nullable(),
  locale,
  created_at: timestamp,
  updated_at: timestamp,
});

const classRow = z.object({
  id: uuid,
  school_id: uuid,
  name: z.string(),
  school_year: z.string(),
  created_at: timestamp,
});

const pupilRow = z.object({
  id: uuid,
  school_id: uuid,
  class_id: uuid,
  first_name: z.string(),
  user_id: uuid.nullable(),
  created_at: timestamp,
});

const pupilCode = z.object({ pupil_id: uuid, first_name: z.string(), picture_code: z.string() });

// Leaflet shapes: the published snapshot a reader renders and the editor's view of a block.
const leafletStatus = z.enum(['draft', 'published']);
const blockContent = z.record(z.string(), z.unknown());
const translationEntry = z.object({
  c: blockContent,
  v: z.number().int(),
  o: z.enum(['template', 'school', 'machine']),
  r: z.string().nullable(),
});
const image = z.object({ path: z.string(), width: z.number().int(), height: z.number().int() }).nullable();
export const snapshotBlock = z.object({
  key: z.string(),
  kind: z.enum(BLOCK_KINDS),
  origin: z.enum(['template', 'school']),
  image,
  nl: blockContent,
  v: z.number().int(),
  tr: z.record(z.string(), translationEntry),
});
export type SnapshotBlock = z.infer<typeof snapshotBlock>;
export const leafletSnapshot = z.object({ blocks: z.array(snapshotBlock) });
const editorBlock = snapshotBlock.extend({ id: uuid });
export type EditorBlock = z.infer<typeof editorBlock>;
const blockVersions = z.object({
  v: z.number().int(),
  tr: z.record(z.string(), z.object({ v: z.number().int(), o: z.string(), r: z.string().nullable() })),
});

function rpc<A extends z.ZodType, R extends z.ZodType>(args: A, result: R, returns: 'rows' | 'scalar' | 'void' = 'rows') {
  return { args, result, returns };
}

const none = z.object({}).strict();
const idArg = <K extends string>(key: K) => z.object({ [key]: uuid } as Record<K, typeof uuid>).strict();

export const RPC = {
  // public facts
  school_by_slug: rpc(z.object({ p_slug: z.string().max(40) }).strict(), z.array(schoolRow)),
  invitation_preview: rpc(
    z.object({ p_code: z.string().max(40) }).strict(),
    z.array(z.object({ school_slug: z.string(), school_name: z.string(), role: schoolRole, status: z.enum(['valid', 'used', 'expired']) })),
  ),

  // the signed-in person
  my_memberships: rpc(none, z.array(z.object({ school_id: uuid, school_slug: z.string(), school_name: z.string(), role: schoolRole }))),
  my_profile: rpc(none, z.array(profileRow)),
  update_my_profile: rpc(
    z.object({ p_display_name: z.string().trim().min(LIMITS.displayName.min).max(LIMITS.displayName.max), p_locale: locale }).strict(),
    z.array(profileRow),
  ),
  my_children: rpc(
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
  my_pupil: rpc(
    none,
    z.array(
      z.object({
        pupil_id: uuid,
        first_name: z.string(),
        class_id: uuid,
        class_name: z.string(),
        school_id: uuid,
        school_slug: z.string(),
        school_name: z.string(),
      }),
    ),
  ),

  // school administration
  update_school: rpc(
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
  ),
  set_school_logo: rpc(z.object({ p_school: uuid, p_logo_path: z.string().max(300).nullable() }).strict(), z.array(schoolRow)),
  school_classes: rpc(
    idArg('p_school'),
    z.array(z.object({ class_id: uuid, name: z.string(), school_year: z.string(), pupil_count: z.number().int() })),
  ),
  create_class: rpc(
    z
      .object({
        p_school: uuid,
        p_name: z.string().trim().min(LIMITS.className.min).max(LIMITS.className.max),
        p_school_year: z.string().regex(/^\d{4}-\d{4}$/),
      })
      .strict(),
    z.array(classRow),
  ),
  delete_class: rpc(idArg('p_class'), z.array(classRow)),
  class_pupils: rpc(idArg('p_class'), z.array(z.object({ pupil_id: uuid, first_name: z.string(), has_signed_in: z.boolean() }))),
  school_pupils: rpc(
    idArg('p_school'),
    z.array(z.object({ pupil_id: uuid, first_name: z.string(), class_id: uuid, class_name: z.string() })),
  ),
  add_pupils: rpc(
    z
      .object({
        p_class: uuid,
        p_names: z.array(z.string().trim().min(LIMITS.pupilName.min).max(LIMITS.pupilName.max)).min(1).max(LIMITS.pupilsPerPaste),
      })
      .strict(),
    z.array(pupilCode),
  ),
  reset_pupil_code: rpc(idArg('p_pupil'), z.array(pupilCode)),
  remove_pupil: rpc(idArg('p_pupil'), z.array(pupilRow)),
  school_people: rpc(
    idArg('p_school'),
    z.array(
      z.object({
        membership_id: uuid,
        user_id: uuid,
        role: schoolRole,
        display_name: z.string().nullable(),
        email: z.string().nullable(),
        children: z.array(z.object({ link_id: uuid, pupil_id: uuid, first_name: z.string(), class_name: z.string() })),
      }),
    ),
  ),
  remove_membership: rpc(
    idArg('p_membership'),
    z.array(z.object({ id: uuid, school_id: uuid, user_id: uuid, role: schoolRole, created_at: timestamp })),
  ),
  link_guardian: rpc(
    z.object({ p_pupil: uuid, p_parent: uuid }).strict(),
    z.array(
      z.object({ id: uuid, school_id: uuid, pupil_id: uuid, parent_user_id: uuid, created_by: uuid.nullable(), created_at: timestamp }),
    ),
  ),
  unlink_guardian: rpc(
    idArg('p_link'),
    z.array(
      z.object({ id: uuid, school_id: uuid, pupil_id: uuid, parent_user_id: uuid, created_by: uuid.nullable(), created_at: timestamp }),
    ),
  ),

  // invitations
  create_invitation: rpc(
    z
      .object({
        p_school: uuid,
        p_role: z.enum(['admin', 'staff', 'parent']),
        p_pupils: z.array(uuid).max(20),
        p_locale: locale,
        p_label: z.string().trim().max(LIMITS.invitationLabel),
      })
      .strict(),
    z.array(z.object({ invitation_id: uuid, code: z.string(), expires_at: timestamp })),
  ),
  school_invitations: rpc(
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
  revoke_invitation: rpc(idArg('p_invitation'), z.array(z.object({ id: uuid }).loose())),
  redeem_invitation: rpc(
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

  // class mode
  open_class_mode: rpc(idArg('p_class'), z.array(z.object({ device_token: z.string(), expires_at: timestamp }))),
  class_device_roster: rpc(
    z.object({ p_device_token: z.string().max(100) }).strict(),
    z.array(
      z.object({
        class_id: uuid,
        class_name: z.string(),
        school_slug: z.string(),
        school_name: z.string(),
        pupils: z.array(z.object({ pupil_id: uuid, first_name: z.string() })),
        expires_at: timestamp,
      }),
    ),
  ),
  close_class_device: rpc(z.object({ p_device_token: z.string().max(100) }).strict(), z.null(), 'void'),
  pupil_sign_in: rpc(
    z.object({ p_device_token: z.string().max(100), p_pupil: uuid, p_code: z.string().max(40) }).strict(),
    z.array(
      z.object({
        status: z.enum(['ok', 'wrong_code', 'locked', 'class_mode_closed', 'unknown_pupil', 'no_code']),
        pupil_user_id: uuid.nullable(),
        first_name: z.string().nullable(),
        attempts_left: z.number().int().nullable(),
        locked_until: timestamp.nullable(),
        session_ends_at: timestamp.nullable(),
      }),
    ),
  ),
  link_pupil_user: rpc(z.object({ p_pupil: uuid, p_user: uuid }).strict(), z.null(), 'void'),
  record_sign_in_event: rpc(z.object({ p_kind: z.string().max(20), p_outcome: z.string().max(40) }).strict(), z.null(), 'void'),
  auth_throttle_check: rpc(z.object({ p_key: z.string().length(64) }).strict(), z.boolean(), 'scalar'),
  auth_throttle_fail: rpc(z.object({ p_key: z.string().length(64) }).strict(), z.number().int(), 'scalar'),
  auth_throttle_reset: rpc(z.object({ p_key: z.string().length(64) }).strict(), z.null(), 'void'),

  // leaflets: reading
  published_leaflets: rpc(
    z.object({ p_school_slug: z.string().max(40) }).strict(),
    z.array(z.object({ slug: z.string(), title: snapshotBlock.nullable(), version_no: z.number().int(), published_at: timestamp })),
  ),
  published_leaflet: rpc(
    z.object({ p_school_slug: z.string().max(40), p_slug: z.string().max(60) }).strict(),
    z.array(
      z.object({
        school_id: uuid,
        school_slug: z.string(),
        school_name: z.string(),
        logo_path: z.string().nullable(),
        contact_name: z.string().nullable(),
        contact_email: z.string().nullable(),
        contact_phone: z.string().nullable(),
        slug: z.string(),
        version_no: z.number().int(),
        published_at: timestamp,
        snapshot: leafletSnapshot,
      }),
    ),
  ),
  schools_with_leaflets: rpc(none, z.array(z.object({ slug: z.string(), name: z.string(), leaflet_count: z.number().int() }))),

  // leaflets: adapting
  leaflet_templates: rpc(
    none,
    z.array(z.object({ template_id: uuid, slug: z.string(), version: z.number().int(), title: z.record(z.string(), z.string()) })),
  ),
  school_leaflets: rpc(
    idArg('p_school'),
    z.array(
      z.object({
        leaflet_id: uuid,
        slug: z.string(),
        status: leafletStatus,
        title: z.record(z.string(), z.string()),
        revision: z.number().int(),
        template_slug: z.string().nullable(),
        template_version: z.number().int().nullable(),
        template_latest: z.number().int().nullable(),
        published_version_no: z.number().int().nullable(),
        published_at: timestamp.nullable(),
        updated_at: timestamp,
        blocks: z.array(blockVersions),
      }),
    ),
  ),
  adopt_template: rpc(z.object({ p_school: uuid, p_template: uuid }).strict(), uuid, 'scalar'),
  create_leaflet: rpc(
    z
      .object({ p_school: uuid, p_slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/), p_title: z.string().min(1).max(200) })
      .strict(),
    uuid,
    'scalar',
  ),
  leaflet_for_editing: rpc(
    idArg('p_leaflet'),
    z.array(
      z.object({
        leaflet_id: uuid,
        school_id: uuid,
        slug: z.string(),
        status: leafletStatus,
        revision: z.number().int(),
        template_version: z.number().int().nullable(),
        template_latest: z.number().int().nullable(),
        published_version_no: z.number().int().nullable(),
        blocks: z.array(editorBlock),
      }),
    ),
  ),
  save_block_source: rpc(
    z.object({ p_block: uuid, p_revision: z.number().int(), p_content: z.record(z.string(), z.unknown()), p_minor: z.boolean() }).strict(),
    z.array(z.object({ revision: z.number().int(), changed: z.boolean(), source_version: z.number().int() })),
  ),
  save_block_translation: rpc(
    z
      .object({
        p_block: uuid,
        p_locale: z.enum(TRANSLATION_LOCALES),
        p_revision: z.number().int(),
        p_content: z.record(z.string(), z.unknown()),
        p_machine: z.boolean(),
      })
      .strict(),
    z.array(z.object({ revision: z.number().int() })),
  ),
  review_translation: rpc(
    z.object({ p_block: uuid, p_locale: z.enum(TRANSLATION_LOCALES), p_revision: z.number().int() }).strict(),
    z.array(z.object({ revision: z.number().int() })),
  ),
  add_block: rpc(
    z
      .object({
        p_leaflet: uuid,
        p_revision: z.number().int(),
        p_kind: z.enum(BLOCK_KINDS),
        p_position: z.number().int().min(1),
        p_content: z.record(z.string(), z.unknown()),
      })
      .strict(),
    z.array(z.object({ revision: z.number().int(), block_id: uuid })),
  ),
  delete_block: rpc(z.object({ p_block: uuid, p_revision: z.number().int() }).strict(), z.array(z.object({ revision: z.number().int() }))),
  move_block: rpc(
    z.object({ p_block: uuid, p_revision: z.number().int(), p_delta: z.number().int().min(-1).max(1) }).strict(),
    z.array(z.object({ revision: z.number().int() })),
  ),
  set_block_image: rpc(
    z
      .object({
        p_block: uuid,
        p_revision: z.number().int(),
        p_path: z.string().max(300),
        p_width: z.number().int().min(1).max(4000),
        p_height: z.number().int().min(1).max(4000),
      })
      .strict(),
    z.array(z.object({ revision: z.number().int() })),
  ),
  publish_leaflet: rpc(
    z.object({ p_leaflet: uuid, p_revision: z.number().int() }).strict(),
    z.array(z.object({ version_no: z.number().int() })),
  ),
  unpublish_leaflet: rpc(idArg('p_leaflet'), z.array(z.object({ id: uuid }).loose())),
  leaflet_history: rpc(
    idArg('p_leaflet'),
    z.array(
      z.object({
        version_no: z.number().int(),
        published_at: timestamp,
        published_by_name: z.string().nullable(),
        restored_from: z.number().int().nullable(),
        is_live: z.boolean(),
      }),
    ),
  ),
  restore_leaflet_version: rpc(
    z.object({ p_leaflet: uuid, p_version_no: z.number().int(), p_revision: z.number().int() }).strict(),
    z.array(z.object({ version_no: z.number().int() })),
  ),
  delete_leaflet: rpc(idArg('p_leaflet'), z.array(z.object({ id: uuid }).loose())),
  sync_template: rpc(
    z
      .object({
        p_slug: z.string().max(60),
        p_version: z.number().int().min(1),
        p_position: z.number().int(),
        p_blocks: z.array(z.record(z.string(), z.unknown())),
      })
      .strict(),
    z.string(),
    'scalar',
  ),
  seed_demo_leaflets: rpc(none, z.number().int(), 'scalar'),
} as const;

export type RpcName = keyof typeof RPC;
export type RpcArgs<N extends RpcName> = z.input<(typeof RPC)[N]['args']>;
export type RpcResult<N extends RpcName> = z.output<(typeof RPC)[N]['result']>;

export function isRpcName(name: string): name is RpcName {
  return Object.hasOwn(RPC, name);
}

/**
 * An error a function raised on purpose (`raise exception using message = 'invitation_used'`)
 * or a refusal by the database (row level security, a constraint), as a stable code the
 * pages turn into a sentence in the person's language.
 */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    readonly detail?: string,
  ) {
    super(code);
    this.name = 'RpcError';
  }
}

/** Maps a PostgreSQL error (SQLSTATE, message, detail) onto an RpcError, the same in both adapters. */
export function toRpcError(err: { code?: string; message?: string; detail?: string | null; details?: string | null }): RpcError {
  const detail = err.detail ?? err.details ?? undefined;
  switch (err.code) {
    case 'P0001':
      return new RpcError(err.message ?? 'error', detail ?? undefined);
    case '42501':
      return new RpcError('forbidden');
    case '23505':
      return new RpcError('duplicate');
    case '23514':
    case '22P02':
    case '22001':
      return new RpcError('invalid');
    case '23503':
      return new RpcError('not_found');
    default:
      return new RpcError('database_error');
  }
}
