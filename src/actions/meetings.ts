import type { TFunction } from '~/i18n/index.ts';
import { z } from 'zod';
import { FOUR_G_ANSWERS, isPrepTopic, MEETING_KINDS, MEETING_LIMITS, PREP_CHOICES, PREP_TOPICS, zonedInstant } from '~/domain/meetings.ts';
import { INTERPRETER_MODES, isInterpreterLanguage } from '~/domain/written.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { type FieldErrors, nameField, typedDate, typedInt, typedTime } from '~/server/forms.ts';
import { schoolStaff, signedInPerson } from '~/server/guards.ts';
import { type ActionContext, formAction, Refusal } from './define.ts';
import type { TranslationKey } from '~/i18n/keys.ts';

/**
 * Meetings: staff plan them (with an interpreter if needed), parents ask for them (and for an
 * interpreter), prepare them screen by screen, share and give feedback; staff record agreements.
 * Meeting rounds with time slots are in meeting-rounds.ts. Each command is a database function that
 * checks the caller; these add the sentences.
 */
const date = typedDate;
const time = typedTime;
const optional = (max: number) => nameField({ max }).optional();

const refusals = (err: RpcError | unknown, t: TFunction): FieldErrors | undefined => {
  if (!(err instanceof RpcError)) return undefined;
  const known: Record<string, TranslationKey> = {
    in_the_past: 'meetings:errors.inThePast',
    meeting_started: 'meetings:errors.started',
    not_yet: 'meetings:errors.notYet',
    slot_taken: 'meetings:errors.slotTaken',
    deadline_passed: 'meetings:errors.deadlinePassed',
    not_prepared: 'meetings:errors.notPrepared',
    meeting_cancelled: 'meetings:cancelled',
  };
  return known[err.code] ? { _form: t(known[err.code]!) } : undefined;
};

const meetingOfPage = (ctx: ActionContext) => {
  const id = z.uuid().safeParse(ctx.params.meetingId);
  if (!id.success) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
  return id.data;
};

/** A language chosen in a list (an interpreter's), or none. */
const languageChoice = z
  .string()
  .max(3)
  .optional()
  .refine((v) => !v || isInterpreterLanguage(v), 'errors.generic');

/** The fields of a meeting's time and place, as staff fill them in. */
const meetingInput = z.object({
  kind: z.enum(MEETING_KINDS),
  date,
  time,
  minutes: typedInt(MEETING_LIMITS.minutes.min, MEETING_LIMITS.minutes.max),
  place: optional(MEETING_LIMITS.place),
  video: z
    .string()
    .trim()
    .max(MEETING_LIMITS.videoUrl)
    .refine((v) => v === '' || /^https:\/\/\S+$/.test(v), 'meetings:errors.videoUrl')
    .optional(),
  attendees: optional(MEETING_LIMITS.attendees),
  goal: optional(MEETING_LIMITS.goal),
  interpreterLang: languageChoice,
  interpreterMode: z.enum(INTERPRETER_MODES).optional(),
  interpreterBooked: z.boolean(),
});
const meetingArgs = (m: z.output<typeof meetingInput>) => {
  const [h, min] = m.time.split(':').map(Number);
  return {
    p_kind: m.kind,
    p_starts_at: zonedInstant(m.date, h! * 60 + min!),
    p_minutes: m.minutes,
    p_place: m.place || null,
    p_video_url: m.video || null,
    p_attendees: m.attendees || null,
    p_goal: m.goal || null,
    p_interpreter_lang: m.interpreterLang || null,
    p_interpreter_mode: m.interpreterLang ? (m.interpreterMode ?? 'in-person') : null,
    p_interpreter_booked: !!m.interpreterLang && m.interpreterBooked,
  };
};

export const meetings = {
  /** Staff plan a meeting about one or more children; their parents are invited (and mailed). */
  create: formAction({
    guard: schoolStaff(),
    input: meetingInput.extend({ pupils: z.array(z.uuid()).max(MEETING_LIMITS.pupilsPerMeeting) }),
    async handler(input, school, ctx) {
      const { backend, lang, t } = ctx.locals;
      if (input.pupils.length === 0) throw new Refusal({ pupils: t('meetings:errors.choosePupil') });
      // The invitations are notifications (…_mail_notifications.sql): written with the meeting, mailed
      // and pushed by the notifier, each in the parent's language.
      const id = await backend.db.rpc('create_meeting', { p_pupils: input.pupils, ...meetingArgs(input) });
      return { ok: true, to: `/${lang}/s/${school.school.slug}/admin/meetings/${id}`, flash: { key: 'notify:flash.meetingCreated' } };
    },
    refusals,
  }),

  /**
   * Staff give an asked-for meeting its time (the parents are invited), or change a planned one:
   * a new time or place is kept as a change (what it was and what it is), for the parents' page
   * and the "changed" mail, never sent as a second invitation.
   */
  plan: formAction({
    guard: schoolStaff(),
    input: meetingInput,
    async handler(input, _, ctx) {
      const id = meetingOfPage(ctx);
      const outcome = await ctx.locals.backend.db.rpc('plan_meeting', { p_meeting: id, ...meetingArgs(input) });
      // The family hears from the notifications (…_mail_notifications.sql): an invitation when an
      // asked-for meeting gets its time, "changed" (what it was, what it is) when it moves.
      return { ok: true, flash: { key: outcome === 'saved' ? 'meetings:flash.saved' : 'meetings:flash.planned' } };
    },
    refusals,
  }),

  cancel: formAction({
    guard: schoolStaff(),
    input: z.object({}),
    async handler(_, school, ctx) {
      await ctx.locals.backend.db.rpc('cancel_meeting', { p_meeting: meetingOfPage(ctx) });
      return { ok: true, to: `/${ctx.locals.lang}/s/${school.school.slug}/admin/meetings`, flash: { key: 'meetings:flash.cancelled' } };
    },
  }),

  addAgreement: formAction({
    guard: schoolStaff(),
    input: z.object({
      text: nameField({ min: 1, max: MEETING_LIMITS.agreement }),
      who: optional(MEETING_LIMITS.agreementWho),
      due: date.or(z.literal('')).optional(),
      evaluate: date.or(z.literal('')).optional(),
    }),
    async handler({ text, who, due, evaluate }, _, ctx) {
      await ctx.locals.backend.db.rpc('add_agreement', {
        p_meeting: meetingOfPage(ctx),
        p_text: text,
        p_who: who || null,
        p_due_on: due || null,
        p_evaluate_on: evaluate || null,
      });
      return { ok: true, flash: { key: 'meetings:flash.agreementAdded' } };
    },
  }),

  deleteAgreement: formAction({
    guard: schoolStaff(),
    input: z.object({ agreement: z.uuid() }),
    async handler({ agreement }, _, ctx) {
      await ctx.locals.backend.db.rpc('delete_agreement', { p_agreement: agreement });
      return { ok: true, flash: { key: 'meetings:flash.agreementRemoved' } };
    },
  }),

  /** A parent asks for a meeting about their child, and for an interpreter if they want one. */
  request: formAction({
    guard: signedInPerson,
    input: z.object({ pupil: z.uuid(), reason: nameField({ min: 1, max: MEETING_LIMITS.reason }), interpreter: languageChoice }),
    async handler({ pupil, reason, interpreter }, _, { locals }) {
      const id = await locals.backend.db.rpc('request_meeting', {
        p_pupil: pupil,
        p_reason: reason,
        p_interpreter_lang: interpreter || null,
      });
      return { ok: true, to: `/${locals.lang}/app/meetings/${id}`, flash: { key: 'meetings:flash.requested' } };
    },
  }),

  /** A parent's wishes: an interpreter (which language), who comes along. */
  wishes: formAction({
    guard: signedInPerson,
    input: z.object({ interpreter: languageChoice, companion: optional(MEETING_LIMITS.companion) }),
    async handler({ interpreter, companion }, _, ctx) {
      await ctx.locals.backend.db.rpc('set_my_meeting_wishes', {
        p_meeting: meetingOfPage(ctx),
        p_interpreter: interpreter || null,
        p_companion: companion || null,
      });
      return { ok: true, flash: { key: 'meetings:flash.wishesSaved' } };
    },
  }),

  /** One screen of the preparation: its choices and words saved, then the next screen (or back). */
  prepare: formAction({
    guard: signedInPerson,
    input: z.object({
      topic: z.string().max(40),
      choices: z.array(z.string().max(40)).max(20),
      text: z.string().max(MEETING_LIMITS.text * 2),
      textLang: z.string().max(5).optional(),
      go: z.enum(['next', 'back']).optional(),
    }),
    async handler({ topic, choices, text, textLang, go }, _, ctx) {
      const { backend, lang, t } = ctx.locals;
      const meeting = meetingOfPage(ctx);
      if (!isPrepTopic(topic)) throw new Refusal({ _form: t('errors.generic') });
      const offered = PREP_CHOICES[topic] as readonly string[];
      if (!choices.every((c) => offered.includes(c))) throw new Refusal({ _form: t('meetings:errors.unknownChoice') });
      const normalised = text.replace(/\r\n/g, '\n').trim();
      if (normalised.length > MEETING_LIMITS.text) throw new Refusal({ text: t('validation.tooLong', { count: MEETING_LIMITS.text }) });
      const index = PREP_TOPICS.indexOf(topic) + 1;
      const step = go === 'back' ? index - 1 : index + 1;
      // Merged into what is saved by the database, as the autosave does (api/preparation).
      await backend.db.rpc('save_my_preparation_topic', {
        p_meeting: meeting,
        p_topic: topic,
        p_choices: choices,
        p_text: normalised,
        p_lang: /^[a-z]{2}$/.test(textLang ?? '') ? textLang! : lang,
        p_step: step,
      });
      return { ok: true, to: `/${lang}/app/meetings/${meeting}/prepare/${step}` };
    },
    refusals,
  }),

  share: formAction({
    guard: signedInPerson,
    input: z.object({ share: z.enum(['yes', 'no']) }),
    async handler({ share }, _, ctx) {
      await ctx.locals.backend.db.rpc('share_my_preparation', { p_meeting: meetingOfPage(ctx), p_share: share === 'yes' });
      return {
        ok: true,
        to: `/${ctx.locals.lang}/app/meetings/${meetingOfPage(ctx)}`,
        flash: { key: share === 'yes' ? 'meetings:flash.shared' : 'meetings:flash.unshared' },
      };
    },
    refusals,
  }),

  feedback: formAction({
    guard: signedInPerson,
    input: z.object({
      top: optional(MEETING_LIMITS.feedback),
      tip: optional(MEETING_LIMITS.feedback),
      seen: z.enum(FOUR_G_ANSWERS).optional(),
      heard: z.enum(FOUR_G_ANSWERS).optional(),
      valued: z.enum(FOUR_G_ANSWERS).optional(),
      anonymous: z.boolean(),
    }),
    async handler(input, _, ctx) {
      await ctx.locals.backend.db.rpc('give_meeting_feedback', {
        p_meeting: meetingOfPage(ctx),
        p_top: input.top || null,
        p_tip: input.tip || null,
        p_seen: input.seen ?? null,
        p_heard: input.heard ?? null,
        p_valued: input.valued ?? null,
        p_anonymous: input.anonymous,
      });
      return { ok: true, flash: { key: 'meetings:flash.feedbackThanks' } };
    },
    refusals,
  }),
};
