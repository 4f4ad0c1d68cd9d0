import type { AstroGlobal } from 'astro';
import type { VoiceKey } from '~/domain/pictograms.ts';
import type { RpcResult } from '~/domain/rpc/index.ts';
import { requireUser } from './guards.ts';

/**
 * What every page of a signed-in pupil starts with: who they are, their class's open round (if
 * any) with their answer so far, and the voices recorded for their board's language (the
 * pupil's own, recorded by a parent, before the school's).
 */
export interface PupilPage {
  me: RpcResult<'my_pupil'>[number];
  /** The round the pupil is answering: the one they chose on the start screen, else the oldest open one. */
  round: RpcResult<'my_need_round'>[number] | null;
  /** Every open round of the class (a teacher may have more than one open, each with its goal). */
  rounds: RpcResult<'my_need_round'>;
  /** Where the recorded voice for a key is played from. */
  voices: Partial<Record<VoiceKey, string>>;
  /** The Dutch recordings, for a board language with neither a recording nor a device voice. */
  voicesNl: Partial<Record<VoiceKey, string>>;
}

const ROUND_COOKIE = 'pupil_round';

type Ctx = Pick<AstroGlobal, 'locals' | 'url' | 'redirect' | 'rewrite' | 'cookies'>;

export async function loadPupilPage(ctx: Ctx): Promise<PupilPage | Response> {
  const user = requireUser(ctx, 'pupil');
  if (user instanceof Response) return user;
  const { backend, lang } = ctx.locals;
  const [[me], rounds, voices, voicesNl] = await Promise.all([
    backend.db.rpc('my_pupil', {}),
    backend.db.rpc('my_need_round', {}),
    backend.db.rpc('my_voices', { p_locale: lang }),
    lang === 'nl' ? Promise.resolve([]) : backend.db.rpc('my_voices', { p_locale: 'nl' }),
  ]);
  const byKey = (list: typeof voices) => Object.fromEntries(list.map((v) => [v.key, `/files/voice/${v.recording_id}`]));
  if (!me) {
    await backend.auth.signOut();
    return ctx.redirect(`/${lang}/class`, 303);
  }
  // `?round=` (a start tile) chooses the round for the next screens; a cookie keeps it for this visit.
  const asked = ctx.url.searchParams.get('round');
  const askedRound = asked ? rounds.find((r) => r.round_id === asked) : undefined;
  if (askedRound) {
    ctx.cookies.set(ROUND_COOKIE, askedRound.round_id, {
      path: `/`,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.url.protocol === 'https:',
    });
  }
  const kept = ctx.cookies.get(ROUND_COOKIE)?.value;
  const round = askedRound ?? rounds.find((r) => r.round_id === kept) ?? rounds[0] ?? null;
  return {
    me,
    round,
    rounds,
    voices: byKey(voices),
    voicesNl: lang === 'nl' ? byKey(voices) : byKey(voicesNl),
  };
}

/** The pupil's steps through a round, in order; each page knows the next. */
export const PUPIL_STEPS = {
  needs: (hasGoal: boolean) => (hasGoal ? ['goal', 'choose/needs', 'check/needs'] : ['choose/needs', 'check/needs']),
  teacher: () => ['choose/tops', 'choose/tips', 'check/teacher'],
} as const;
