import { z } from 'zod';
import { FOUR_G_ANSWERS, MEETING_KINDS, MEETING_LIMITS } from '~/domain/meetings.ts';
import { INTERPRETER_MODES } from '~/domain/written.ts';
import { idArg, locale, none, lazy, rpc, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_meetings.sql: meetings, preparations, agreements, feedback, slot rounds. */

const kind = z.enum(MEETING_KINDS);
const status = z.enum(['requested', 'planned', 'cancelled']);
const text = (max: number) => z.string().max(max).nullable();
const fourG = z.enum(FOUR_G_ANSWERS).nullable();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const pupilRef = z.object({ pupil_id: uuid, first_name: z.string(), class_name: z.string() });
/** A preparation as stored: screens by topic (validated again by SQL and by cleanAnswers). */
const answers = z.record(z.string(), z.unknown());
/** A language to interpret into: a code (ISO 639), or nothing. */
const languageCode = z.string().regex(/^[a-z]{2,3}$/);
/** How many said yes, partly and no to each of the three feedback questions; null where hidden. */
const count = z.number().int().nullable();
const fourGCounts = {
  seen_yes: count,
  seen_partly: count,
  seen_no: count,
  heard_yes: count,
  heard_partly: count,
  heard_no: count,
  valued_yes: count,
  valued_partly: count,
  valued_no: count,
};
const slotList = z
  .array(z.object({ starts_at: timestamp, minutes: z.number().int(), teacher: uuid }).strict())
  .min(1)
  .max(MEETING_LIMITS.slotsPerRound);
const meetingFields = {
  p_kind: kind,
  p_starts_at: timestamp,
  p_minutes: z.number().int().min(MEETING_LIMITS.minutes.min).max(MEETING_LIMITS.minutes.max),
  p_place: text(MEETING_LIMITS.place),
  p_video_url: text(MEETING_LIMITS.videoUrl),
  p_attendees: text(MEETING_LIMITS.attendees),
  p_goal: text(MEETING_LIMITS.goal),
  p_interpreter_lang: languageCode.nullable(),
  p_interpreter_mode: z.enum(INTERPRETER_MODES).nullable(),
  p_interpreter_booked: z.boolean(),
};

export const MEETINGS = {
  create_meeting: lazy(() =>
    rpc(z.object({ p_pupils: z.array(uuid).min(1).max(MEETING_LIMITS.pupilsPerMeeting), ...meetingFields }).strict(), uuid, {
      returns: 'scalar',
    }),
  ),
  request_meeting: lazy(() =>
    rpc(
      z.object({ p_pupil: uuid, p_reason: z.string().max(MEETING_LIMITS.reason), p_interpreter_lang: languageCode.nullable() }).strict(),
      uuid,
      { returns: 'scalar' },
    ),
  ),
  /** 'planned' (asked-for, now with a time), 'changed' (time or place moved, kept as a change) or 'saved'. */
  plan_meeting: lazy(() =>
    rpc(z.object({ p_meeting: uuid, ...meetingFields }).strict(), z.enum(['planned', 'changed', 'saved']), {
      returns: 'scalar',
    }),
  ),
  cancel_meeting: lazy(() => rpc(idArg('p_meeting'), uuid, { returns: 'scalar' })),
  my_meetings: lazy(() =>
    rpc(
      z.object({ p_class: uuid.nullable() }).strict(),
      z.array(
        z.object({
          meeting_id: uuid,
          kind,
          status,
          starts_at: timestamp.nullable(),
          minutes: z.number().int().nullable(),
          place: z.string().nullable(),
          goal: z.string().nullable(),
          pupils: z.array(pupilRef).nullable(),
          prepared: z.boolean(),
          shared_at: timestamp.nullable(),
          has_feedback: z.boolean(),
          agreements: z.number().int(),
          interpreter_lang: z.string().nullable(),
          interpreter_booked: z.boolean(),
          interpreter_needed: z.boolean(),
        }),
      ),
    ),
  ),
  meeting_detail: lazy(() =>
    rpc(
      idArg('p_meeting'),
      z.array(
        z.object({
          meeting_id: uuid,
          school_id: uuid,
          kind,
          status,
          starts_at: timestamp.nullable(),
          minutes: z.number().int().nullable(),
          place: z.string().nullable(),
          video_url: z.string().nullable(),
          attendees: z.string().nullable(),
          goal: z.string().nullable(),
          request_reason: z.string().nullable(),
          interpreter_lang: z.string().nullable(),
          interpreter_mode: z.enum(INTERPRETER_MODES).nullable(),
          interpreter_booked: z.boolean(),
          pupils: z.array(z.object({ pupil_id: uuid, first_name: z.string(), class_id: uuid, class_name: z.string() })).nullable(),
          people: z.array(
            z.object({
              user_id: uuid,
              role: z.enum(['parent', 'staff']),
              name: z.string().nullable(),
              locale: locale.nullable(),
              interpreter: z.string().nullable(),
              companion: z.string().nullable(),
            }),
          ),
          last_change: z
            .object({
              changed_at: timestamp,
              was_starts_at: timestamp.nullable(),
              was_minutes: z.number().int().nullable(),
              was_place: z.string().nullable(),
              was_video_url: z.string().nullable(),
            })
            .nullable(),
        }),
      ),
    ),
  ),
  set_my_meeting_wishes: lazy(() =>
    rpc(z.object({ p_meeting: uuid, p_interpreter: languageCode.nullable(), p_companion: text(MEETING_LIMITS.companion) }).strict(), uuid, {
      returns: 'scalar',
    }),
  ),
  save_my_preparation: lazy(() =>
    rpc(z.object({ p_meeting: uuid, p_answers: answers, p_step: z.number().int().min(0).max(20) }).strict(), timestamp, {
      returns: 'scalar',
    }),
  ),
  save_my_preparation_topic: lazy(() =>
    rpc(
      z
        .object({
          p_meeting: uuid,
          p_topic: z.string().max(40),
          p_choices: z.array(z.string().max(40)).max(20),
          p_text: z.string().max(MEETING_LIMITS.text * 2),
          p_lang: z.string().max(5),
          p_step: z.number().int().min(0).max(20),
        })
        .strict(),
      timestamp,
      { returns: 'scalar' },
    ),
  ),
  share_my_preparation: lazy(() =>
    rpc(z.object({ p_meeting: uuid, p_share: z.boolean() }).strict(), timestamp.nullable(), { returns: 'scalar' }),
  ),
  my_preparation: lazy(() =>
    rpc(idArg('p_meeting'), z.array(z.object({ answers, step: z.number().int(), shared_at: timestamp.nullable(), updated_at: timestamp }))),
  ),
  meeting_preparations: lazy(() =>
    rpc(
      idArg('p_meeting'),
      z.array(z.object({ user_id: uuid, author: z.string().nullable(), answers, shared_at: timestamp, updated_at: timestamp })),
    ),
  ),
  save_my_pupil_preparation: lazy(() =>
    rpc(
      z
        .object({
          p_meeting: uuid,
          p_answers: z.record(z.string(), z.array(z.string())),
          p_words: text(300),
          p_consent: z.boolean().nullable(),
        })
        .strict(),
      timestamp,
      { returns: 'scalar' },
    ),
  ),
  my_pupil_meetings: lazy(() =>
    rpc(
      none,
      z.array(
        z.object({
          meeting_id: uuid,
          kind,
          starts_at: timestamp,
          goal: z.string().nullable(),
          answers: z.record(z.string(), z.array(z.string())),
          words: z.string().nullable(),
          consented: z.boolean(),
          has_feedback: z.boolean(),
        }),
      ),
    ),
  ),
  meeting_pupil_preparations: lazy(() =>
    rpc(
      idArg('p_meeting'),
      z.array(
        z.object({
          pupil_id: uuid,
          first_name: z.string(),
          answers: z.record(z.string(), z.array(z.string())),
          words: z.string().nullable(),
          updated_at: timestamp,
        }),
      ),
    ),
  ),
  add_agreement: lazy(() =>
    rpc(
      z
        .object({
          p_meeting: uuid,
          p_text: z.string().trim().min(1).max(MEETING_LIMITS.agreement),
          p_who: text(MEETING_LIMITS.agreementWho),
          p_due_on: date.nullable(),
          p_evaluate_on: date.nullable(),
        })
        .strict(),
      uuid,
      { returns: 'scalar' },
    ),
  ),
  delete_agreement: lazy(() => rpc(idArg('p_agreement'), uuid, { returns: 'scalar' })),
  meeting_agreements: lazy(() =>
    rpc(
      idArg('p_meeting'),
      z.array(
        z.object({
          agreement_id: uuid,
          text: z.string(),
          who: z.string().nullable(),
          due_on: z.string().nullable(),
          evaluate_on: z.string().nullable(),
          created_at: timestamp,
        }),
      ),
    ),
  ),
  give_meeting_feedback: lazy(() =>
    rpc(
      z
        .object({
          p_meeting: uuid,
          p_top: text(MEETING_LIMITS.feedback),
          p_tip: text(MEETING_LIMITS.feedback),
          p_seen: fourG,
          p_heard: fourG,
          p_valued: fourG,
          p_anonymous: z.boolean(),
        })
        .strict(),
      timestamp,
      { returns: 'scalar' },
    ),
  ),
  my_meeting_feedback: lazy(() =>
    rpc(
      idArg('p_meeting'),
      z.array(
        z.object({
          top: z.string().nullable(),
          tip: z.string().nullable(),
          seen: fourG,
          heard: fourG,
          valued: fourG,
          anonymous: z.boolean(),
        }),
      ),
    ),
  ),
  /** Each child of a meeting with their latest needs; logs only those it returns (issue 18). */
  meeting_latest_needs: lazy(() =>
    rpc(idArg('p_meeting'), z.array(z.object({ pupil_id: uuid, first_name: z.string(), needs: z.array(z.string()) }))),
  ),
  meeting_feedback: lazy(() =>
    rpc(
      idArg('p_meeting'),
      z.array(
        z.object({
          author: z.string().nullable(),
          role: z.enum(['parent', 'pupil']),
          top: z.string().nullable(),
          tip: z.string().nullable(),
          seen: fourG,
          heard: fourG,
          valued: fourG,
          created_at: timestamp,
        }),
      ),
    ),
  ),
  school_feedback_overview: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          staff_id: uuid,
          staff_name: z.string().nullable(),
          month: z.string(),
          answers: z.number().int().nullable(),
          ...fourGCounts,
        }),
      ),
    ),
  ),
  /**
   * The whole school's named feedback per month, and all months together (month null); a row
   * that would show fewer than 5 answers, or a small group by subtraction, is `hidden` with no numbers.
   */
  school_feedback_totals: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          month: z.string().nullable(),
          hidden: z.enum(['fewer_than_5', 'would_reveal']).nullable(),
          answers: z.number().int().nullable(),
          ...fourGCounts,
        }),
      ),
    ),
  ),
  /** Anonymous feedback, pooled per month that is over; null below 5 meetings (issue 18). */
  school_anonymous_feedback: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          month: z.string(),
          meetings: z.number().int().nullable(),
          answers: z.number().int().nullable(),
          ...fourGCounts,
          words: z.array(z.object({ top: z.string().nullable(), tip: z.string().nullable() })).nullable(),
        }),
      ),
    ),
  ),
  publish_slot_round: lazy(() =>
    rpc(
      z
        .object({
          p_class: uuid,
          p_title: z.string().trim().min(1).max(120),
          p_deadline: timestamp,
          p_slots: slotList,
        })
        .strict(),
      uuid,
      { returns: 'scalar' },
    ),
  ),
  update_slot_round: lazy(() =>
    rpc(z.object({ p_round: uuid, p_title: z.string().trim().min(1).max(120), p_deadline: timestamp }).strict(), uuid, {
      returns: 'scalar',
    }),
  ),
  /** How many times the new day got (the first day's times, teachers and lengths). */
  add_round_day: lazy(() =>
    rpc(z.object({ p_round: uuid, p_day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(), z.number().int(), {
      returns: 'scalar',
    }),
  ),
  /** How many booked meetings that had not taken place were cancelled with it. */
  remove_slot_round: lazy(() => rpc(idArg('p_round'), z.number().int(), { returns: 'scalar' })),
  slot_rounds_for: lazy(() =>
    rpc(
      z.object({ p_class: uuid.nullable() }).strict(),
      z.array(
        z.object({
          round_id: uuid,
          class_id: uuid,
          class_name: z.string(),
          title: z.string(),
          deadline: timestamp,
          slots: z.number().int(),
          booked: z.number().int(),
          pupils: z.number().int(),
        }),
      ),
    ),
  ),
  round_slots: lazy(() =>
    rpc(
      idArg('p_round'),
      z.array(
        z.object({
          slot_id: uuid,
          starts_at: timestamp,
          minutes: z.number().int(),
          teacher: z.string().nullable(),
          taken: z.boolean(),
          pupil_id: uuid.nullable(),
          first_name: z.string().nullable(),
        }),
      ),
    ),
  ),
  meeting_mail_recipients: lazy(() =>
    rpc(
      idArg('p_meeting'),
      z.array(z.object({ email: z.string(), locale: z.enum(['nl', 'en', 'ar', 'uk', 'pl', 'tr']), name: z.string().nullable() })),
      { access: 'service' },
    ),
  ),
  book_slot: lazy(() => rpc(z.object({ p_slot: uuid, p_pupil: uuid }).strict(), uuid.nullable(), { returns: 'scalar' })),
} as const;
