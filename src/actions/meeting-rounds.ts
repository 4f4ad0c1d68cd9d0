import { z } from 'zod';
import { buildSlots, MEETING_LIMITS, zonedInstant } from '~/domain/meetings.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { nameField, typedDate, typedInt, typedTime } from '~/server/forms.ts';
import { schoolStaff, signedInPerson } from '~/server/guards.ts';
import { type ActionContext, formAction, Refusal } from './define.ts';
import type { TFunction } from '~/i18n/index.ts';

/**
 * Meeting rounds (the "10-minute meetings"): staff publish a round of times for a class — by
 * default held by the class's own teachers, and asked once more when it has fewer times than the
 * class has pupils — rename it, move its deadline, add a day, or remove it; a parent books a time
 * for a child (or moves the booking). Each command is a database function that checks the caller.
 */
const CLASS_TEACHERS = 'class';
const at = (time: string) => {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
};

const roundOfPage = (ctx: ActionContext) => {
  const id = z.uuid().safeParse(ctx.params.roundId);
  if (!id.success) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
  return id.data;
};

const roundRefusals = (err: RpcError | unknown, t: TFunction) => {
  if (!(err instanceof RpcError)) return undefined;
  if (err.code === 'invalid') return { _form: t('meetings:errors.roundInvalid') };
  if (err.code === 'slot_taken') return { _form: t('meetings:errors.slotTaken') };
  if (err.code === 'deadline_passed') return { _form: t('meetings:errors.deadlinePassed') };
  return undefined;
};

export const meetingRounds = {
  /** Staff publish a round of time slots for a class. */
  publish: formAction({
    guard: schoolStaff(),
    input: z.object({
      class: z.uuid(),
      title: nameField({ min: 1, max: 120 }),
      days: z.array(typedDate.or(z.literal(''))).max(10),
      from: typedTime,
      to: typedTime,
      minutes: typedInt(5, 60),
      breakEvery: typedInt(0, 20),
      breakMinutes: typedInt(0, 60),
      teachers: z.array(z.uuid().or(z.literal(CLASS_TEACHERS))).max(11),
      deadlineDate: typedDate,
      deadlineTime: typedTime,
      /** Yes, publish it with fewer times than pupils. */
      fewerOk: z.boolean(),
    }),
    async handler(input, school, ctx) {
      const { t, backend, lang } = ctx.locals;
      const days = [...new Set(input.days.filter(Boolean))].sort();
      if (days.length === 0) throw new Refusal({ days: t('meetings:errors.chooseDay') });
      // "The class's teachers" are whoever teaches the chosen class now.
      const ofClass = input.teachers.includes(CLASS_TEACHERS)
        ? (await backend.db.rpc('school_class_teachers', { p_school: school.school.id }))
            .filter((c) => c.class_id === input.class)
            .map((c) => c.user_id)
        : [];
      if (input.teachers.includes(CLASS_TEACHERS) && ofClass.length === 0)
        throw new Refusal({ teachers: t('meetings:errors.classHasNoTeacher') });
      const teachers = [...new Set([...ofClass, ...input.teachers.filter((id) => id !== CLASS_TEACHERS)])];
      if (teachers.length === 0) throw new Refusal({ teachers: t('meetings:errors.chooseTeacher') });
      const slots = buildSlots({ ...input, days, teachers });
      if (slots.length === 0) throw new Refusal({ to: t('meetings:errors.noSlots') });
      if (slots.length > MEETING_LIMITS.slotsPerRound)
        throw new Refusal({ days: t('meetings:errors.tooManySlots', { count: MEETING_LIMITS.slotsPerRound }) });
      const deadline = zonedInstant(input.deadlineDate, at(input.deadlineTime));
      if (slots.some((s) => s.starts_at < deadline)) throw new Refusal({ deadlineDate: t('meetings:errors.deadlineAfterSlots') });
      if (!input.fewerOk) {
        const pupils = (await backend.db.rpc('class_pupils', { p_class: input.class })).length;
        if (slots.length < pupils) throw new Refusal({ fewer: t('meetings:rounds.fewerSlots', { slots: slots.length, pupils }) });
      }
      const id = await backend.db.rpc('publish_slot_round', {
        p_class: input.class,
        p_title: input.title,
        p_deadline: deadline,
        p_slots: slots,
      });
      return {
        ok: true,
        to: `/${lang}/s/${school.school.slug}/admin/meetings/rounds/${id}`,
        flash: { key: 'notify:flash.roundPublished' },
      };
    },
    refusals: roundRefusals,
  }),

  /** A round's new name and deadline. */
  update: formAction({
    guard: schoolStaff(),
    input: z.object({ title: nameField({ min: 1, max: 120 }), deadlineDate: typedDate, deadlineTime: typedTime }),
    async handler(input, _, ctx) {
      await ctx.locals.backend.db.rpc('update_slot_round', {
        p_round: roundOfPage(ctx),
        p_title: input.title,
        p_deadline: zonedInstant(input.deadlineDate, at(input.deadlineTime)),
      });
      return { ok: true, flash: { key: 'meetings:flash.roundUpdated' } };
    },
    refusals: (err, t) =>
      err instanceof RpcError && err.code === 'invalid' ? { deadlineDate: t('meetings:errors.deadlineAfterSlots') } : undefined,
  }),

  /** One more day, with the same times and teachers as the round's first day. */
  addDay: formAction({
    guard: schoolStaff(),
    input: z.object({ day: typedDate }),
    async handler({ day }, _, ctx) {
      const added = await ctx.locals.backend.db.rpc('add_round_day', { p_round: roundOfPage(ctx), p_day: day });
      return { ok: true, flash: { key: 'meetings:flash.slotsAdded', values: { count: added } } };
    },
    refusals: (err, t) =>
      err instanceof RpcError && (err.code === 'invalid' || err.code === 'day_taken')
        ? { day: t(err.code === 'invalid' ? 'meetings:errors.dayInvalid' : 'meetings:errors.dayTaken') }
        : undefined,
  }),

  /** Removes a round; the meetings booked in it that have not taken place are cancelled. */
  remove: formAction({
    guard: schoolStaff(),
    input: z.object({}),
    async handler(_, school, ctx) {
      const cancelled = await ctx.locals.backend.db.rpc('remove_slot_round', { p_round: roundOfPage(ctx) });
      return {
        ok: true,
        to: `/${ctx.locals.lang}/s/${school.school.slug}/admin/meetings/rounds`,
        flash: { key: 'meetings:flash.roundRemoved', values: { count: cancelled } },
      };
    },
  }),

  /** A parent chooses a slot for a child (or moves the child's booking). */
  book: formAction({
    guard: signedInPerson,
    input: z.object({ slot: z.uuid(), pupil: z.uuid() }),
    async handler({ slot, pupil }, _, { locals }) {
      await locals.backend.db.rpc('book_slot', { p_slot: slot, p_pupil: pupil });
      return { ok: true, flash: { key: 'meetings:flash.booked' } };
    },
    refusals: roundRefusals,
  }),
};
