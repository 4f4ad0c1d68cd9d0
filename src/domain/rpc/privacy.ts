import { z } from 'zod';
import { idArg, lazy, rpc, timestamp, uuid } from './shared.ts';

/**
 * supabase/migrations/*_privacy_access_log.sql: who looked at which pupil's data, and what kind;
 * erasing a pupil with everything about them, and the retention job; pupils who left (marked in
 * *_classes_pupils.sql, erased after the school's retention time)
 * and a person's request for erasure, carried out or declined by the school's admins.
 */

export const ACCESS_KINDS = ['needs_answers', 'drawing', 'preparation', 'pupil_preparation', 'feedback', 'parent_link'] as const;

const json = z.record(z.string(), z.unknown());
const list = z.array(z.string()).nullable();

/** Everything stored about the caller and their children (my_data, the right of access). */
export const myDataShape = z.object({
  exported_at: timestamp,
  profile: z
    .object({ name: z.string(), email: z.string().nullable(), language: z.string(), translates: z.array(z.string()), since: timestamp })
    .nullable(),
  schools: z.array(z.object({ school: z.string(), role: z.string(), since: timestamp })),
  children: z.array(
    z.object({
      first_name: z.string(),
      class: z.string(),
      school: z.string(),
      avatar: z.string().nullable(),
      needs_answers: z.array(
        z.object({
          round_opened: timestamp.nullable(),
          goal: z.string().nullable(),
          needs: list,
          goal_step: z.string().nullable(),
          own_words: z.string().nullable(),
          drawing: z.boolean(),
          updated_at: timestamp.nullable(),
        }),
      ),
      meeting_parts: z.array(
        // Only what the child agreed to share (…_privacy_access_log.sql; docs/privacy.md).
        z.object({
          meeting_at: timestamp.nullable(),
          answers: z.record(z.string(), z.array(z.string())),
          words: z.string().nullable(),
          agreed_at: timestamp,
        }),
      ),
      who_looked: z.array(z.object({ at: timestamp, who: z.string().nullable(), what: z.enum(ACCESS_KINDS) })),
    }),
  ),
  meetings: z.array(
    z.object({
      kind: z.string(),
      status: z.string(),
      starts_at: timestamp.nullable(),
      minutes: z.number().nullable(),
      place: z.string().nullable(),
      goal: z.string().nullable(),
      my_request: z.string().nullable(),
      interpreter: z.string().nullable(),
      comes_along: z.string().nullable(),
      my_preparation: z.object({ answers: json, shared_at: timestamp.nullable(), updated_at: timestamp }).nullable(),
      agreements: z.array(
        z.object({ text: z.string(), who: z.string().nullable(), due_on: z.string().nullable(), evaluate_on: z.string().nullable() }),
      ),
      my_feedback: json.nullable(),
    }),
  ),
  slot_bookings: z.array(z.object({ starts_at: timestamp, minutes: z.number(), child: z.string().nullable() })),
  voice_recordings: z.number(),
  translations_of_my_words: z.array(
    z.object({ of: z.string(), language: z.string(), text: z.string(), checked: z.boolean(), made_at: timestamp }),
  ),
});
export type MyData = z.infer<typeof myDataShape>;

const files = z.array(z.object({ bucket: z.string(), name: z.string() }));
const requestOutcome = z.enum(['erased', 'declined']).nullable();
const optionalText = z.string().max(500).nullable();

export const PRIVACY = {
  my_data: lazy(() => rpc(z.object({}).strict(), myDataShape, { returns: 'scalar' })),
  pupil_access_log: lazy(() =>
    rpc(
      z.object({ p_school: uuid, p_limit: z.number().int().min(1).max(1000).optional() }).strict(),
      z.array(
        z.object({
          at: timestamp,
          reader: z.string().nullable(),
          pupil_id: uuid,
          pupil: z.string(),
          class_name: z.string().nullable(),
          kind: z.enum(ACCESS_KINDS),
        }),
      ),
    ),
  ),
  /** The log grouped per staff member, pupil and day; filtered by pupil, staff member, period. */
  pupil_access_log_grouped: lazy(() =>
    rpc(
      z
        .object({
          p_school: uuid,
          p_pupil: uuid.nullable().optional(),
          p_reader: uuid.nullable().optional(),
          p_from: z.iso.date().nullable().optional(),
          p_to: z.iso.date().nullable().optional(),
          p_limit: z.number().int().min(1).max(1000).optional(),
        })
        .strict(),
      z.array(
        z.object({
          day: z.string(),
          reader_id: uuid.nullable(),
          reader: z.string().nullable(),
          pupil_id: uuid,
          pupil: z.string(),
          class_name: z.string().nullable(),
          kinds: z.array(z.enum(ACCESS_KINDS)),
          views: z.number().int(),
          first_at: timestamp,
          last_at: timestamp,
        }),
      ),
    ),
  ),
  /** The pupils and staff members the log names, for its filters. */
  pupil_access_log_people: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(z.object({ role: z.enum(['pupil', 'staff']), id: uuid, name: z.string().nullable(), class_name: z.string().nullable() })),
    ),
  ),
  /** The pupil's first name, and the stored files to remove after the rows are gone. */
  erase_pupil: lazy(() =>
    rpc(idArg('p_pupil'), z.object({ first_name: z.string(), files: z.array(z.object({ bucket: z.string(), name: z.string() })) }), {
      returns: 'scalar',
    }),
  ),
  run_retention: lazy(() =>
    rpc(z.object({ p_now: timestamp.optional() }).strict(), z.array(z.object({ kind: z.string(), removed: z.number().int() })), {
      access: 'service',
    }),
  ),
  erase_left_pupils: lazy(() =>
    rpc(z.object({ p_now: timestamp.optional() }).strict(), z.object({ pupils: z.number().int(), files }), {
      returns: 'scalar',
      access: 'service',
    }),
  ),
  request_erasure: lazy(() =>
    rpc(z.object({ p_school: uuid, p_include_children: z.boolean(), p_message: optionalText }).strict(), uuid, {
      returns: 'scalar',
    }),
  ),
  my_erasure_requests: lazy(() =>
    rpc(
      z.object({}).strict(),
      z.array(
        z.object({
          request_id: uuid,
          school_id: uuid,
          school_name: z.string(),
          include_children: z.boolean(),
          requested_at: timestamp,
          handled_at: timestamp.nullable(),
          outcome: requestOutcome,
          reason: z.string().nullable(),
        }),
      ),
    ),
  ),
  school_erasure_requests: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          request_id: uuid,
          requested_at: timestamp,
          name: z.string().nullable(),
          email: z.string().nullable(),
          children: z.array(z.string()),
          include_children: z.boolean(),
          message: z.string().nullable(),
          handled_at: timestamp.nullable(),
          outcome: requestOutcome,
          reason: z.string().nullable(),
        }),
      ),
    ),
  ),
  /** Carries the request out or declines it; the stored files to remove after the rows are gone. */
  handle_erasure_request: lazy(() =>
    rpc(z.object({ p_request: uuid, p_erase: z.boolean(), p_reason: optionalText }).strict(), z.object({ files }), {
      returns: 'scalar',
    }),
  ),
};
