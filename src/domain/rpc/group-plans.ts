import { z } from 'zod';
import { PLAN_CIRCLES } from '~/domain/pictograms.ts';
import { goalStep, needId, needList, roundAnswer } from './needs.ts';
import { idArg, lazy, rpc, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_needs.sql: groepsplannen, their evaluation, one pupil in one place, the groepsbespreking. */

export const GROUP_PLAN_LIMITS = { period: 80, short: 300, long: 600, agreed: 1000 } as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** A date as it comes back: PostgREST sends `2026-12-20`, the embedded drivers a whole ISO timestamp at midnight UTC. */
const dayOut = z
  .string()
  .transform((s) => s.slice(0, 10))
  .pipe(day);
const circle = z.enum(PLAN_CIRCLES);
const text = (max: number) => z.string().max(max).nullable();
const places = z.array(z.object({ pupil: uuid, circle }).strict()).max(40);

export const CIRCLE_FIELDS = ['goal', 'instruction', 'practice', 'enrichment', 'materials', 'organisation', 'attention'] as const;
export type CircleField = (typeof CIRCLE_FIELDS)[number];
export const CIRCLE_FIELD_MAX: Record<CircleField, number> = {
  goal: GROUP_PLAN_LIMITS.short,
  instruction: GROUP_PLAN_LIMITS.long,
  practice: GROUP_PLAN_LIMITS.long,
  enrichment: GROUP_PLAN_LIMITS.long,
  materials: GROUP_PLAN_LIMITS.short,
  organisation: GROUP_PLAN_LIMITS.short,
  attention: GROUP_PLAN_LIMITS.long,
};
export const EVALUATION_FIELDS = ['reached', 'worked', 'next_step'] as const;

const answerEntry = z.object({
  round_id: uuid,
  class_id: uuid,
  goal: z.string().nullable(),
  opened_at: timestamp,
  closed_at: timestamp.nullable(),
  ...roundAnswer,
});
const planEntry = z.object({
  plan_id: uuid,
  class_id: uuid,
  period: z.string(),
  evaluate_on: dayOut,
  evaluated_at: timestamp.nullable(),
  circle,
  next_circle: circle.nullable(),
  goal: z.string().nullable(),
  reached: z.string().nullable(),
  worked: z.string().nullable(),
  next_step: z.string().nullable(),
});
const meetingEntry = z.object({
  meeting_id: uuid,
  kind: z.string(),
  starts_at: timestamp.nullable(),
  goal: z.string().nullable(),
  agreements: z.array(
    z.object({ text: z.string(), who: z.string().nullable(), due_on: dayOut.nullable(), evaluate_on: dayOut.nullable() }),
  ),
});

export const GROUP_PLANS = {
  create_group_plan: lazy(() =>
    rpc(
      z
        .object({ p_round: uuid, p_places: places, p_period: z.string().trim().min(1).max(GROUP_PLAN_LIMITS.period), p_evaluate_on: day })
        .strict(),
      uuid,
      { returns: 'scalar' },
    ),
  ),
  class_group_plans: lazy(() =>
    rpc(
      idArg('p_class'),
      z.array(
        z.object({
          plan_id: uuid,
          period: z.string(),
          evaluate_on: dayOut,
          evaluated_at: timestamp.nullable(),
          pupils: z.number().int(),
          created_at: timestamp,
        }),
      ),
    ),
  ),
  group_plan: lazy(() =>
    rpc(
      idArg('p_plan'),
      z.array(
        z.object({
          plan_id: uuid,
          school_id: uuid,
          class_id: uuid,
          class_name: z.string(),
          period: z.string(),
          evaluate_on: dayOut,
          evaluated_at: timestamp.nullable(),
          round_id: uuid.nullable(),
          goal_round_id: uuid.nullable(),
          goal: z.string().nullable(),
          previous_id: uuid.nullable(),
          next_id: uuid.nullable(),
          created_at: timestamp,
          updated_at: timestamp,
        }),
      ),
    ),
  ),
  group_plan_circles: lazy(() =>
    rpc(
      idArg('p_plan'),
      z.array(
        z.object({
          circle,
          goal: z.string().nullable(),
          instruction: z.string().nullable(),
          practice: z.string().nullable(),
          enrichment: z.string().nullable(),
          materials: z.string().nullable(),
          shared_needs: z.array(needId),
          organisation: z.string().nullable(),
          attention: z.string().nullable(),
          reached: z.string().nullable(),
          worked: z.string().nullable(),
          next_step: z.string().nullable(),
          pupils: z.number().int(),
          answered: z.number().int(),
          not_yet: z.number().int(),
          almost: z.number().int(),
          can: z.number().int(),
        }),
      ),
    ),
  ),
  group_plan_pupils: lazy(() =>
    rpc(
      idArg('p_plan'),
      z.array(
        z.object({
          pupil_id: uuid,
          first_name: z.string(),
          circle,
          next_circle: circle.nullable(),
          goal_step: goalStep.nullable(),
        }),
      ),
    ),
  ),
  save_group_plan: lazy(() =>
    rpc(
      z
        .object({
          p_plan: uuid,
          p_period: z.string().trim().min(1).max(GROUP_PLAN_LIMITS.period),
          p_evaluate_on: day,
          p_goal_round: uuid.nullable(),
        })
        .strict(),
      z.null(),
      { returns: 'void' },
    ),
  ),
  save_group_plan_circle: lazy(() =>
    rpc(
      z
        .object({
          p_plan: uuid,
          p_circle: circle,
          p_fields: z
            .object({
              goal: text(GROUP_PLAN_LIMITS.short),
              instruction: text(GROUP_PLAN_LIMITS.long),
              practice: text(GROUP_PLAN_LIMITS.long),
              enrichment: text(GROUP_PLAN_LIMITS.long),
              materials: text(GROUP_PLAN_LIMITS.short),
              organisation: text(GROUP_PLAN_LIMITS.short),
              attention: text(GROUP_PLAN_LIMITS.long),
              shared_needs: needList,
            })
            .strict(),
        })
        .strict(),
      z.null(),
      { returns: 'void' },
    ),
  ),
  evaluate_group_plan: lazy(() =>
    rpc(
      z
        .object({
          p_plan: uuid,
          p_circles: z
            .array(
              z
                .object({
                  circle,
                  reached: text(GROUP_PLAN_LIMITS.long),
                  worked: text(GROUP_PLAN_LIMITS.long),
                  next_step: text(GROUP_PLAN_LIMITS.long),
                })
                .strict(),
            )
            .max(5),
          p_pupils: places,
        })
        .strict(),
      z.null(),
      { returns: 'void' },
    ),
  ),
  next_group_plan: lazy(() =>
    rpc(z.object({ p_plan: uuid, p_period: z.string().trim().min(1).max(GROUP_PLAN_LIMITS.period), p_evaluate_on: day }).strict(), uuid, {
      returns: 'scalar',
    }),
  ),
  pupil_overview: lazy(() =>
    rpc(
      idArg('p_pupil'),
      z.object({
        pupil_id: uuid,
        first_name: z.string(),
        class_id: uuid,
        class_name: z.string().nullable(),
        left: z.boolean(),
        helps: z.string().nullable(),
        hinders: z.string().nullable(),
        note_updated_at: timestamp.nullable(),
        answers: z.array(answerEntry),
        plans: z.array(planEntry),
        meetings: z.array(meetingEntry),
      }),
      { returns: 'scalar' },
    ),
  ),
  save_pupil_note: lazy(() =>
    rpc(z.object({ p_pupil: uuid, p_helps: text(GROUP_PLAN_LIMITS.long), p_hinders: text(GROUP_PLAN_LIMITS.long) }).strict(), z.null(), {
      returns: 'void',
    }),
  ),
  group_discussion: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          class_id: uuid,
          class_name: z.string(),
          pupils: z.number().int(),
          plan_id: uuid.nullable(),
          period: z.string().nullable(),
          evaluate_on: dayOut.nullable(),
          evaluated_at: timestamp.nullable(),
          status: z.enum(['none', 'running', 'due', 'evaluated']),
          attention: z.number().int(),
          agreed: z.string().nullable(),
          agreed_at: timestamp.nullable(),
        }),
      ),
    ),
  ),
  group_discussion_pupils: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          class_id: uuid,
          pupil_id: uuid,
          first_name: z.string(),
          reasons: z.array(z.enum(['earring', 'no_circle', 'not_yet_twice'])),
        }),
      ),
    ),
  ),
  save_group_discussion: lazy(() =>
    rpc(z.object({ p_plan: uuid, p_agreed: z.string().trim().min(1).max(GROUP_PLAN_LIMITS.agreed) }).strict(), uuid, {
      returns: 'scalar',
    }),
  ),
  group_plan_discussions: lazy(() =>
    rpc(idArg('p_plan'), z.array(z.object({ agreed: z.string(), written_by: z.string().nullable(), created_at: timestamp }))),
  ),
  school_needs_in_period: lazy(() =>
    rpc(
      z.object({ p_school: uuid, p_from: day, p_to: day }).strict(),
      z.array(
        z.object({
          class_id: uuid,
          class_name: z.string(),
          round_id: uuid,
          goal: z.string().nullable(),
          opened_at: timestamp,
          closed_at: timestamp.nullable(),
          answered: z.number().int().nullable(),
          need: needId,
          pupils: z.number().int().nullable(),
        }),
      ),
    ),
  ),
};
