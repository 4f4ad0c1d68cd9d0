import { z } from 'zod';
import { GOAL_STEPS, NEED_IDS, NEEDS_LIMITS, PLAN_CIRCLES, VOICE_KEYS } from '~/domain/pictograms.ts';
import { idArg, locale, none, lazy, rpc, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_needs.sql: rounds, pupils' answers, class plans, recorded voices. */

export const needId = z.enum(NEED_IDS);
export const goalStep = z.enum(GOAL_STEPS);
/** Known pictograms, each once (the SQL says the same). */
export const needList = z
  .array(needId)
  .max(NEED_IDS.length)
  .refine((ids) => new Set(ids).size === ids.length);
const words = z.string().max(NEEDS_LIMITS.words);
const choiceKind = z.enum(['needs', 'tops', 'tips']);
const roundRow = z.object({
  id: uuid,
  school_id: uuid,
  class_id: uuid,
  goal: z.string().nullable(),
  opened_by: uuid.nullable(),
  opened_at: timestamp,
  closed_at: timestamp.nullable(),
  cards: needList.nullable(),
});
/** One pupil's answer in a round (what they chose, their step, their words), as read back. */
export const roundAnswer = {
  answered: z.boolean(),
  needs: z.array(needId),
  goal_step: goalStep.nullable(),
  own_words: z.string().nullable(),
  has_drawing: z.boolean(),
  tops: z.array(needId),
  tips: z.array(needId),
  top_words: z.string().nullable(),
  tip_words: z.string().nullable(),
};
/** The same, as the teacher and the pupil read it back on the round's pages. */
const pupilAnswer = { ...roundAnswer, has_feedback_drawing: z.boolean() };
/** Where a file is kept: `<school>/<pupil or "school">/<generated name>`. */
const storedPath = z.string().max(200);

export const NEEDS = {
  /** A goal (optional) and the cards the needs board offers (null: all nine); at most three open per class. */
  open_need_round: lazy(() =>
    rpc(
      z
        .object({ p_class: uuid, p_goal: z.string().trim().max(NEEDS_LIMITS.goal).nullable(), p_cards: needList.nullable().optional() })
        .strict(),
      z.array(roundRow),
    ),
  ),
  close_need_round: lazy(() => rpc(idArg('p_round'), z.array(roundRow))),
  /** A closed round open again for a day (its closing time a day ahead). */
  reopen_need_round: lazy(() => rpc(idArg('p_round'), z.array(roundRow))),
  class_need_rounds: lazy(() =>
    rpc(
      idArg('p_class'),
      z.array(
        z.object({
          round_id: uuid,
          goal: z.string().nullable(),
          opened_at: timestamp,
          closed_at: timestamp.nullable(),
          answered: z.number().int(),
          pupils: z.number().int(),
        }),
      ),
    ),
  ),
  need_round_answers: lazy(() =>
    rpc(
      idArg('p_round'),
      z.array(
        z.object({
          pupil_id: uuid,
          first_name: z.string(),
          ...pupilAnswer,
          updated_at: timestamp.nullable(),
        }),
      ),
    ),
  ),
  my_need_round: lazy(() =>
    rpc(
      none,
      z.array(
        z.object({
          round_id: uuid,
          goal: z.string().nullable(),
          opened_at: timestamp,
          ...pupilAnswer,
          /** The cards the round offers; null: all nine. */
          cards: needList.nullable(),
        }),
      ),
    ),
  ),
  save_my_choices: lazy(() =>
    rpc(z.object({ p_round: uuid, p_kind: choiceKind, p_ids: needList }).strict(), z.array(needId), {
      returns: 'scalar',
    }),
  ),
  save_my_goal_step: lazy(() =>
    rpc(z.object({ p_round: uuid, p_step: goalStep.nullable() }).strict(), goalStep.nullable(), { returns: 'scalar' }),
  ),
  save_my_words: lazy(() =>
    rpc(z.object({ p_round: uuid, p_kind: choiceKind, p_words: words.nullable() }).strict(), z.string().nullable(), {
      returns: 'scalar',
    }),
  ),
  set_my_drawing: lazy(() =>
    rpc(z.object({ p_round: uuid, p_kind: z.enum(['needs', 'feedback']), p_path: storedPath.nullable() }).strict(), z.string().nullable(), {
      returns: 'scalar',
    }),
  ),
  need_drawing_path: lazy(() =>
    rpc(z.object({ p_round: uuid, p_pupil: uuid, p_kind: z.enum(['needs', 'feedback']) }).strict(), z.string().nullable(), {
      returns: 'scalar',
    }),
  ),
  class_plan: lazy(() => rpc(idArg('p_round'), z.array(z.object({ pupil_id: uuid, circle: z.enum(PLAN_CIRCLES) })))),
  save_class_plan: lazy(() =>
    rpc(
      z
        .object({
          p_round: uuid,
          p_places: z.array(z.object({ pupil: uuid, circle: z.enum(PLAN_CIRCLES) }).strict()).max(40),
        })
        .strict(),
      z.number().int(),
      { returns: 'scalar' },
    ),
  ),
  school_needs_overview: lazy(() =>
    rpc(
      idArg('p_school'),
      z.array(
        z.object({
          class_id: uuid,
          class_name: z.string(),
          round_id: uuid,
          opened_at: timestamp,
          closed_at: timestamp.nullable(),
          /** Null: fewer than 5. */
          answered: z.number().int().nullable(),
          need: needId,
          /** Null: fewer than 5. */
          pupils: z.number().int().nullable(),
        }),
      ),
    ),
  ),
  my_children_needs: lazy(() =>
    rpc(
      none,
      z.array(
        z.object({
          pupil_id: uuid,
          first_name: z.string(),
          round_id: uuid,
          goal: z.string().nullable(),
          opened_at: timestamp,
          closed_at: timestamp.nullable(),
          answered: z.boolean(),
          needs: z.array(needId),
          goal_step: goalStep.nullable(),
          own_words: z.string().nullable(),
          has_drawing: z.boolean(),
        }),
      ),
    ),
  ),
  my_voices: lazy(() => rpc(z.object({ p_locale: locale }).strict(), z.array(z.object({ key: z.enum(VOICE_KEYS), recording_id: uuid })))),
  voice_recordings: lazy(() =>
    rpc(
      z.object({ p_school: uuid, p_pupil: uuid.nullable(), p_locale: locale }).strict(),
      z.array(z.object({ key: z.enum(VOICE_KEYS), recording_id: uuid, created_at: timestamp })),
    ),
  ),
  school_voice_gaps: lazy(() =>
    rpc(idArg('p_school'), z.array(z.object({ locale, recorded: z.number().int(), missing: z.number().int() }))),
  ),
  save_voice_recording: lazy(() =>
    rpc(
      z.object({ p_school: uuid, p_pupil: uuid.nullable(), p_locale: locale, p_key: z.enum(VOICE_KEYS), p_path: storedPath }).strict(),
      z.string().nullable(),
      { returns: 'scalar' },
    ),
  ),
  delete_voice_recording: lazy(() => rpc(idArg('p_recording'), z.string().nullable(), { returns: 'scalar' })),
  voice_recording_path: lazy(() => rpc(idArg('p_recording'), z.string().nullable(), { returns: 'scalar' })),
} as const;
