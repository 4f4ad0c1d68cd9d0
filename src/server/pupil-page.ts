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
  round: RpcResult<'my_need_round'>[number] | null;
  /** Where the recorded voice for a key is played from. */
  voices: Partial<Record<VoiceKey, string>>;
}

type Ctx = Pick<AstroGlobal, 'locals' | 'url' | 'redirect' | 'rewrite' | 'cookies'>;

export async function loadPupilPage(ctx: Ctx): Promise<PupilPage | Response> {
  const user = requireUser(ctx, 'pupil');
  if (user instanceof Response) return user;
  const { backend, lang } = ctx.locals;
  const [[me], [round], voices] = await Promise.all([
    backend.db.rpc('my_pupil', {}),
    backend.db.rpc('my_need_round', {}),
    backend.db.rpc('my_voices', { p_locale: lang }),
  ]);
  if (!me) {
    await backend.auth.signOut();
    return ctx.redirect(`/${lang}/class`, 303);
  }
  return {
    me,
    round: round ?? null,
    voices: Object.fromEntries(voices.map((v) => [v.key, `/files/voice/${v.recording_id}`])),
  };
}

/** The pupil's steps through a round, in order; each page knows the next. */
export const PUPIL_STEPS = {
  needs: (hasGoal: boolean) => (hasGoal ? ['goal', 'choose/needs', 'check/needs'] : ['choose/needs', 'check/needs']),
  teacher: () => ['choose/tops', 'choose/tips', 'check/teacher'],
} as const;
