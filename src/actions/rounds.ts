import { z } from 'zod';
import { NEED_IDS, NEEDS_LIMITS, PLAN_CIRCLES } from '~/domain/pictograms.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { nameField } from '~/server/forms.ts';
import { schoolStaff } from '~/server/guards.ts';
import { type ActionContext, formAction, Refusal } from './define.ts';

/**
 * A teacher's rounds for a class: open one (optionally for a goal), close it, and save the
 * class plan in circles. The database checks that the caller teaches the class (or is its
 * school's coach or admin).
 */
const classPath = (ctx: ActionContext) => `/${ctx.locals.lang}/s/${ctx.params.school}/admin/classes/${ctx.params.classId}`;

function idOfPage(ctx: ActionContext, key: 'classId' | 'roundId'): string {
  const id = z.uuid().safeParse(ctx.params[key]);
  if (!id.success) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
  return id.data;
}

export const rounds = {
  open: formAction({
    guard: schoolStaff(),
    // The cards the round offers: the form lists all nine, ticked; `cardsShown` tells "none ticked" from an older form.
    input: z.object({
      goal: nameField({ max: NEEDS_LIMITS.goal }).optional(),
      cards: z.array(z.enum(NEED_IDS)).max(NEED_IDS.length).optional(),
      cardsShown: z.literal('1').optional(),
    }),
    async handler({ goal, cards, cardsShown }, _, ctx) {
      const chosen = cardsShown ? [...new Set(cards ?? [])] : null;
      if (chosen && chosen.length < 2) throw new Refusal({ cards: ctx.locals.t('school:rounds.cardsTooFew') });
      const [round] = await ctx.locals.backend.db.rpc('open_need_round', {
        p_class: idOfPage(ctx, 'classId'),
        p_goal: goal || null,
        p_cards: chosen && chosen.length < NEED_IDS.length ? NEED_IDS.filter((id) => chosen.includes(id)) : null,
      });
      return { ok: true, to: `${classPath(ctx)}/rounds/${round!.id}`, flash: { key: 'school:rounds.opened' } };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'round_open' ? { _form: t('school:rounds.alreadyOpen') } : undefined),
  }),

  /** A closed round open again for a day, for the pupils who were away. */
  reopen: formAction({
    guard: schoolStaff(),
    input: z.object({}),
    async handler(_, __, ctx) {
      await ctx.locals.backend.db.rpc('reopen_need_round', { p_round: idOfPage(ctx, 'roundId') });
      return { ok: true, flash: { key: 'school:rounds.reopened' } };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'round_open' ? { _form: t('school:rounds.alreadyOpen') } : undefined),
  }),

  close: formAction({
    guard: schoolStaff(),
    input: z.object({}),
    async handler(_, __, ctx) {
      await ctx.locals.backend.db.rpc('close_need_round', { p_round: idOfPage(ctx, 'roundId') });
      return { ok: true, flash: { key: 'school:rounds.closed' } };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'round_closed' ? { _form: t('school:rounds.wasClosed') } : undefined),
  }),

  /** The whole plan at once: one field per pupil (`place:<pupil id>` = circle). */
  savePlan: formAction({
    guard: schoolStaff(),
    input: z.object({ places: z.array(z.string().max(120)).max(40) }),
    async handler({ places }, _, ctx) {
      const parsed = places.map((p) => {
        const [pupil, circle] = p.split(':');
        return { pupil: z.uuid().safeParse(pupil), circle: z.enum(PLAN_CIRCLES).safeParse(circle) };
      });
      if (parsed.some((p) => !p.pupil.success || !p.circle.success)) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
      await ctx.locals.backend.db.rpc('save_class_plan', {
        p_round: idOfPage(ctx, 'roundId'),
        p_places: parsed.map((p) => ({ pupil: p.pupil.data!, circle: p.circle.data! })),
      });
      return { ok: true, flash: { key: 'school:plan.saved' } };
    },
  }),
};
