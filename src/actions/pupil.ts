import { randomUUID } from 'node:crypto';
import type { TFunction } from '~/i18n/index.ts';
import { z } from 'zod';
import { FOUR_G_ANSWERS, PUPIL_PREP_CHOICES, WHO_IDS } from '~/domain/meetings.ts';
import { isAvatarId, isGoalStep, isNeedId, NEEDS_LIMITS } from '~/domain/pictograms.ts';
import { switchLocalePath } from '~/i18n/negotiate.ts';
import { LOCALE_CODES } from '~/i18n/locales.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { normalizeLine } from '~/domain/text.ts';
import type { FieldErrors } from '~/server/forms.ts';
import { cleanDrawing } from '~/server/images.ts';
import { StorageRefused } from '~/server/port.ts';
import { removeStoredFile, replaceStoredFile } from '~/server/stored-files.ts';
import { formAction, Refusal } from './define.ts';

/**
 * A signed-in pupil's own answers: their picture, their board's language, and in the class's
 * open round what helps them, their step on the goal, tops and tips for the teacher, own words
 * and a drawing. The functions they call take no pupil: the database answers for the caller.
 */
const pupilOnly = (ctx: { locals: App.Locals }) => (ctx.locals.user?.kind === 'pupil' ? true : null);
const round = z.uuid();
const PUPIL_CHOICES_FOR = { ...PUPIL_PREP_CHOICES, who: WHO_IDS };
/** A pupil's own words: tidied like a name, judged for length in the handler (a sentence, not a cut). */
const pupilWords = z
  .string()
  .max(NEEDS_LIMITS.words * 20)
  .transform(normalizeLine)
  .optional();
/** Unknown ids are a refusal with a sentence, not a silent drop. */
const ids = z.array(z.string().max(40)).max(20);

const roundRefusals = (err: RpcError | StorageRefused, t: TFunction): FieldErrors | undefined => {
  if (err instanceof StorageRefused) return { drawing: t('needs:errors.drawingTooLarge') };
  if (err.code === 'round_closed') return { _form: t('needs:errors.roundClosed') };
  if (err.code === 'unknown_pictogram') return { _form: t('needs:errors.unknownPictogram') };
  return undefined;
};

export const pupil = {
  /** "I learn best…", "what helps me" (tops), "what could be different" (tips). */
  choose: formAction({
    guard: pupilOnly,
    input: z.object({
      round,
      kind: z.enum(['needs', 'tops', 'tips']),
      chosen: ids,
      /** The answer to "more or less explanation?", when both were tapped. */
      resolve: z.enum(['more-explanation', 'less-explanation', 'both']).optional(),
    }),
    async handler({ round, kind, chosen: tapped, resolve }, _, { locals }) {
      const { t, backend, lang } = locals;
      if (!tapped.every(isNeedId)) throw new Refusal({ _form: t('needs:errors.unknownPictogram') });
      let chosen = tapped;
      // "More explanation" and "less explanation" together: the child is asked which one they
      // mean (a picture each, and both), nothing is saved until then; "both" keeps both, and the
      // teacher sees them as chosen (walk 2026-12).
      if (kind === 'needs' && chosen.includes('more-explanation') && chosen.includes('less-explanation')) {
        if (resolve === 'more-explanation') chosen = chosen.filter((id) => id !== 'less-explanation');
        else if (resolve === 'less-explanation') chosen = chosen.filter((id) => id !== 'more-explanation');
        else if (resolve !== 'both') {
          throw new Refusal({
            both: t('needs:errors.moreAndLess', { more: t('needs:name.more-explanation'), less: t('needs:name.less-explanation') }),
          });
        }
      }
      await backend.db.rpc('save_my_choices', { p_round: round, p_kind: kind, p_ids: [...new Set(chosen)] });
      const next = kind === 'needs' ? 'check/needs' : kind === 'tops' ? 'choose/tips' : 'check/teacher';
      return { ok: true, to: `/${lang}/pupil/${next}` };
    },
    refusals: roundRefusals,
  }),

  /** Where I am on the goal. */
  step: formAction({
    guard: pupilOnly,
    input: z.object({ round, step: z.string().max(40).optional() }),
    async handler({ round, step }, _, { locals }) {
      const { t, backend, lang } = locals;
      if (!step) throw new Refusal({ step: t('needs:errors.chooseStep') });
      if (!isGoalStep(step)) throw new Refusal({ _form: t('needs:errors.unknownPictogram') });
      await backend.db.rpc('save_my_goal_step', { p_round: round, p_step: step });
      return { ok: true, to: `/${lang}/pupil/choose/needs` };
    },
    refusals: roundRefusals,
  }),

  /** My own words, for what helps me, or for the teacher (a top and a tip). */
  words: formAction({
    guard: pupilOnly,
    input: z.object({
      round,
      kind: z.enum(['needs', 'teacher']),
      // Never cut: a longer text is refused with a sentence a child hears, and comes back whole.
      words: pupilWords,
      top: pupilWords,
      tip: pupilWords,
    }),
    async handler({ round, kind, words, top, tip }, _, { locals }) {
      const { backend, lang, t } = locals;
      const tooLong = Object.entries({ words, top, tip }).filter(([, v]) => v && [...v].length > NEEDS_LIMITS.words);
      if (tooLong.length) {
        throw new Refusal(Object.fromEntries(tooLong.map(([k]) => [k, t('needs:errors.wordsTooLong', { count: NEEDS_LIMITS.words })])));
      }
      if (kind === 'needs') {
        await backend.db.rpc('save_my_words', { p_round: round, p_kind: 'needs', p_words: words || null });
      } else {
        await backend.db.rpc('save_my_words', { p_round: round, p_kind: 'tops', p_words: top || null });
        await backend.db.rpc('save_my_words', { p_round: round, p_kind: 'tips', p_words: tip || null });
      }
      return { ok: true, to: `/${lang}/pupil/check/${kind}` };
    },
    refusals: roundRefusals,
  }),

  /** A drawing from the drawing screen: judged by its bytes, re-encoded, stored in my own folder. */
  drawing: formAction({
    guard: pupilOnly,
    input: z.object({ round, kind: z.enum(['needs', 'teacher']), drawing: z.instanceof(File).optional() }),
    async handler({ round, kind, drawing }, _, { locals }) {
      const { t, backend, lang } = locals;
      if (!drawing || drawing.size === 0) throw new Refusal({ drawing: t('needs:errors.drawingEmpty') });
      if (drawing.size > NEEDS_LIMITS.drawingBytes) throw new Refusal({ drawing: t('needs:errors.drawingTooLarge') });
      const image = await cleanDrawing(new Uint8Array(await drawing.arrayBuffer()));
      if ('problem' in image) throw new Refusal({ drawing: t('needs:errors.drawingNotImage') });
      const [me] = await backend.db.rpc('my_pupil', {});
      if (!me) throw new Refusal({ _form: t('errors.forbidden') });
      const path = `${me.school_id}/${me.pupil_id}/${randomUUID()}.png`;
      let replaced: string | null = null;
      await replaceStoredFile(
        backend,
        null,
        path,
        image,
        async () => {
          replaced = await backend.db.rpc('set_my_drawing', {
            p_round: round,
            p_kind: kind === 'needs' ? 'needs' : 'feedback',
            p_path: path,
          });
        },
        'pupil-drawings',
      );
      if (replaced) await removeStoredFile(backend, replaced, 'pupil-drawings');
      return { ok: true, to: `/${lang}/pupil/check/${kind}` };
    },
    refusals: roundRefusals,
  }),

  removeDrawing: formAction({
    guard: pupilOnly,
    input: z.object({ round, kind: z.enum(['needs', 'teacher']) }),
    async handler({ round, kind }, _, { locals }) {
      const { backend, lang } = locals;
      const old = await backend.db.rpc('set_my_drawing', { p_round: round, p_kind: kind === 'needs' ? 'needs' : 'feedback', p_path: null });
      if (old) await removeStoredFile(backend, old, 'pupil-drawings');
      return { ok: true, to: `/${lang}/pupil/check/${kind}` };
    },
    refusals: roundRefusals,
  }),

  /** The language my board speaks; the page comes back in it. */
  boardLanguage: formAction({
    guard: pupilOnly,
    input: z.object({ locale: z.enum(LOCALE_CODES) }),
    async handler({ locale }, _, { locals, url }) {
      await locals.backend.db.rpc('set_my_board_locale', { p_locale: locale });
      return { ok: true, to: switchLocalePath(url.pathname, locale) };
    },
  }),

  /** My part of a meeting about me: pictures per part, who will be there, a few words, and consent. */
  meetingPart: formAction({
    guard: pupilOnly,
    input: z.object({
      meeting: z.uuid(),
      part: z.enum(['goes-well', 'hard', 'want-to-say', 'who', 'words', 'consent']),
      chosen: ids,
      words: pupilWords,
      consent: z.enum(['yes', 'no']).optional(),
    }),
    async handler({ meeting, part, chosen, words, consent }, _, { locals }) {
      const { t, backend, lang } = locals;
      if (words && [...words].length > NEEDS_LIMITS.words)
        throw new Refusal({ words: t('needs:errors.wordsTooLong', { count: NEEDS_LIMITS.words }) });
      const mine = (await backend.db.rpc('my_pupil_meetings', {})).find((m) => m.meeting_id === meeting);
      if (!mine) throw new Refusal({ _form: t('errors.forbidden') });
      const answers = { ...mine.answers };
      if (part !== 'words' && part !== 'consent') {
        const offered = PUPIL_CHOICES_FOR[part] as readonly string[];
        if (!chosen.every((c) => offered.includes(c))) throw new Refusal({ _form: t('needs:errors.unknownPictogram') });
        answers[part] = [...new Set(chosen)];
      }
      await backend.db.rpc('save_my_pupil_preparation', {
        p_meeting: meeting,
        p_answers: answers,
        p_words: part === 'words' ? words || null : mine.words,
        // "Yes" shares the part as it is now, "Not yet" takes it back; elsewhere a change waits for a new "yes".
        p_consent: part === 'consent' ? consent === 'yes' : null,
      });
      const order = ['goes-well', 'hard', 'want-to-say', 'who', 'words', 'consent'] as const;
      const next = part === 'consent' ? null : order[order.indexOf(part) + 1];
      return { ok: true, to: next ? `/${lang}/pupil/meeting/${meeting}/${next}` : `/${lang}/pupil?thanks=1` };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'meeting_started' ? { _form: t('meetings:errors.started') } : undefined),
  }),

  /** After the meeting: did I feel seen, heard and valued? */
  meetingFeedback: formAction({
    guard: pupilOnly,
    input: z.object({
      meeting: z.uuid(),
      seen: z.enum(FOUR_G_ANSWERS).optional(),
      heard: z.enum(FOUR_G_ANSWERS).optional(),
      valued: z.enum(FOUR_G_ANSWERS).optional(),
    }),
    async handler({ meeting, seen, heard, valued }, _, { locals }) {
      await locals.backend.db.rpc('give_meeting_feedback', {
        p_meeting: meeting,
        p_top: null,
        p_tip: null,
        p_seen: seen ?? null,
        p_heard: heard ?? null,
        p_valued: valued ?? null,
        p_anonymous: false,
      });
      return { ok: true, to: `/${locals.lang}/pupil?thanks=1` };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'not_yet' ? { _form: t('meetings:errors.notYet') } : undefined),
  }),

  /** My picture beside my name on the class device: chosen once; afterwards the teacher changes it. */
  avatar: formAction({
    guard: pupilOnly,
    input: z.object({ avatar: z.string().max(40).optional() }),
    async handler({ avatar }, _, { locals }) {
      const { t, backend, lang } = locals;
      if (!avatar) throw new Refusal({ avatar: t('needs:errors.chooseAvatar') });
      if (!isAvatarId(avatar)) throw new Refusal({ _form: t('needs:errors.unknownPictogram') });
      const [me] = await backend.db.rpc('my_pupil', {});
      if (!me) throw new Refusal({ _form: t('errors.forbidden') });
      await backend.db.rpc('set_pupil_avatar', { p_pupil: me.pupil_id, p_avatar: avatar });
      return { ok: true, to: `/${lang}/pupil` };
    },
    // Another pupil of the class took it a moment ago (the page no longer offers taken ones).
    refusals: (err, t) => (err instanceof RpcError && err.code === 'avatar_taken' ? { avatar: t('needs:errors.avatarTaken') } : undefined),
  }),
};
