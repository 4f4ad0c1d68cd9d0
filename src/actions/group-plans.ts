import { z } from 'zod';
import { initialPlan } from '~/domain/needs.ts';
import { NEED_IDS, PLAN_CIRCLES, type PlanCircle } from '~/domain/pictograms.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { CIRCLE_FIELD_MAX, GROUP_PLAN_LIMITS } from '~/domain/rpc/group-plans.ts';
import { nameField, typedDate } from '~/server/forms.ts';
import { schoolStaff } from '~/server/guards.ts';
import { type ActionContext, formAction, Refusal } from './define.ts';

/**
 * Groepsplannen: make one from a round's circles, change its facts and its circles, evaluate it,
 * start the next period from it; a pupil's note (what helps, what hinders); what was agreed in
 * the groepsbespreking. The database checks who may (the class's teachers, the coach, admins;
 * the groepsbespreking's notes the coach and admins).
 */
const classPath = (ctx: ActionContext) => `/${ctx.locals.lang}/s/${ctx.params.school}/admin/classes/${ctx.params.classId}`;

function idOfPage(ctx: ActionContext, key: 'classId' | 'roundId' | 'planId' | 'pupilId'): string {
  const id = z.uuid().safeParse(ctx.params[key]);
  if (!id.success) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
  return id.data;
}

const text = (max: number) => nameField({ max }).optional();
const period = nameField({ min: 1, max: GROUP_PLAN_LIMITS.period });
/** `<pupil id>:<circle>`, as the selects send it. */
function places(values: string[], t: ActionContext['locals']['t']) {
  const parsed = values.map((p) => {
    const [pupil, circle] = p.split(':');
    return { pupil: z.uuid().safeParse(pupil), circle: z.enum(PLAN_CIRCLES).safeParse(circle) };
  });
  if (parsed.some((p) => !p.pupil.success || !p.circle.success)) throw new Refusal({ _form: t('errors.generic') });
  return parsed.map((p) => ({ pupil: p.pupil.data!, circle: p.circle.data! }));
}

const dateRefusal = (err: RpcError, t: ActionContext['locals']['t'], field = 'evaluate_on') =>
  err.code === 'invalid_date' ? { [field]: t('plans:refused.date') } : undefined;

const evaluationShape = Object.fromEntries(
  PLAN_CIRCLES.flatMap((c) => [
    [`reached_${c}`, text(GROUP_PLAN_LIMITS.long)],
    [`worked_${c}`, text(GROUP_PLAN_LIMITS.long)],
    [`next_${c}`, text(GROUP_PLAN_LIMITS.long)],
  ]),
) as Record<string, ReturnType<typeof text>>;

export const groupPlans = {
  /** From the circles page: the circles as shown there (saved, or drawn from the pupils' steps). */
  create: formAction({
    guard: schoolStaff(),
    input: z.object({ period, evaluate_on: typedDate }),
    async handler(input, _, ctx) {
      const { db } = ctx.locals.backend;
      const round = idOfPage(ctx, 'roundId');
      const [answers, saved] = await Promise.all([
        db.rpc('need_round_answers', { p_round: round }),
        db.rpc('class_plan', { p_round: round }),
      ]);
      const plan = initialPlan(answers, saved);
      const id = await db.rpc('create_group_plan', {
        p_round: round,
        p_places: Object.entries(plan).map(([pupil, circle]) => ({ pupil, circle })),
        p_period: input.period,
        p_evaluate_on: input.evaluate_on,
      });
      return { ok: true, to: `${classPath(ctx)}/plans/${id}`, flash: { key: 'plans:flash.made' } };
    },
    refusals: (err, t) => (err instanceof RpcError ? dateRefusal(err, t) : undefined),
  }),

  saveFacts: formAction({
    guard: schoolStaff(),
    input: z.object({ period, evaluate_on: typedDate, goal_round: z.union([z.uuid(), z.literal('')]).optional() }),
    async handler(input, _, ctx) {
      await ctx.locals.backend.db.rpc('save_group_plan', {
        p_plan: idOfPage(ctx, 'planId'),
        p_period: input.period,
        p_evaluate_on: input.evaluate_on,
        p_goal_round: input.goal_round || null,
      });
      return { ok: true, flash: { key: 'plans:flash.saved' } };
    },
    refusals: (err, t) =>
      err instanceof RpcError
        ? (dateRefusal(err, t) ?? (err.code === 'plan_evaluated' ? { _form: t('plans:refused.evaluated') } : undefined))
        : undefined,
  }),

  saveCircle: formAction({
    guard: schoolStaff(),
    input: z.object({
      circle: z.enum(PLAN_CIRCLES),
      goal: text(CIRCLE_FIELD_MAX.goal),
      instruction: text(CIRCLE_FIELD_MAX.instruction),
      practice: text(CIRCLE_FIELD_MAX.practice),
      enrichment: text(CIRCLE_FIELD_MAX.enrichment),
      materials: text(CIRCLE_FIELD_MAX.materials),
      organisation: text(CIRCLE_FIELD_MAX.organisation),
      attention: text(CIRCLE_FIELD_MAX.attention),
      needs: z.array(z.enum(NEED_IDS)).max(NEED_IDS.length),
    }),
    async handler({ circle, needs, ...fields }, _, ctx) {
      await ctx.locals.backend.db.rpc('save_group_plan_circle', {
        p_plan: idOfPage(ctx, 'planId'),
        p_circle: circle,
        p_fields: {
          goal: fields.goal || null,
          instruction: fields.instruction || null,
          practice: fields.practice || null,
          enrichment: fields.enrichment || null,
          materials: fields.materials || null,
          organisation: fields.organisation || null,
          attention: fields.attention || null,
          shared_needs: [...new Set(needs)],
        },
      });
      return {
        ok: true,
        to: `${ctx.url.pathname}#circle-${circle}`,
        flash: { key: 'plans:flash.circleSaved', values: { circle: ctx.locals.t(`school:plan.circle.${circle}`) } },
      };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'plan_evaluated' ? { _form: t('plans:refused.evaluated') } : undefined),
  }),

  evaluate: formAction({
    guard: schoolStaff(),
    input: z.object({ ...evaluationShape, next: z.array(z.string().max(120)).max(40) }),
    async handler(input, _, ctx) {
      const values = input as unknown as Record<string, string | undefined>;
      await ctx.locals.backend.db.rpc('evaluate_group_plan', {
        p_plan: idOfPage(ctx, 'planId'),
        p_circles: PLAN_CIRCLES.map((c: PlanCircle) => ({
          circle: c,
          reached: values[`reached_${c}`] || null,
          worked: values[`worked_${c}`] || null,
          next_step: values[`next_${c}`] || null,
        })),
        p_pupils: places(input.next, ctx.locals.t),
      });
      return { ok: true, to: `${ctx.url.pathname}#evaluation`, flash: { key: 'plans:flash.evaluated' } };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'plan_continued' ? { _form: t('plans:refused.continued') } : undefined),
  }),

  next: formAction({
    guard: schoolStaff(),
    input: z.object({ period, evaluate_on: typedDate }),
    async handler(input, _, ctx) {
      const id = await ctx.locals.backend.db.rpc('next_group_plan', {
        p_plan: idOfPage(ctx, 'planId'),
        p_period: input.period,
        p_evaluate_on: input.evaluate_on,
      });
      return { ok: true, to: `${classPath(ctx)}/plans/${id}`, flash: { key: 'plans:flash.nextMade' } };
    },
    refusals: (err, t) =>
      err instanceof RpcError
        ? (dateRefusal(err, t) ??
          (err.code === 'plan_continued'
            ? { _form: t('plans:refused.continued') }
            : err.code === 'plan_not_evaluated'
              ? { _form: t('plans:refused.notEvaluated') }
              : undefined))
        : undefined,
  }),

  saveNote: formAction({
    guard: schoolStaff(),
    input: z.object({ helps: text(GROUP_PLAN_LIMITS.long), hinders: text(GROUP_PLAN_LIMITS.long) }),
    async handler({ helps, hinders }, _, ctx) {
      await ctx.locals.backend.db.rpc('save_pupil_note', {
        p_pupil: idOfPage(ctx, 'pupilId'),
        p_helps: helps || null,
        p_hinders: hinders || null,
      });
      return { ok: true, flash: { key: 'plans:flash.noteSaved' } };
    },
  }),

  saveDiscussion: formAction({
    guard: schoolStaff(),
    input: z.object({ plan: z.uuid(), agreed: nameField({ min: 1, max: GROUP_PLAN_LIMITS.agreed }) }),
    async handler({ plan, agreed }, _, ctx) {
      await ctx.locals.backend.db.rpc('save_group_discussion', { p_plan: plan, p_agreed: agreed });
      return { ok: true, flash: { key: 'plans:flash.agreedSaved' } };
    },
  }),
};
