import type { AstroGlobal } from 'astro';
import { z } from 'zod';
import { RpcError, type RpcResult } from '~/domain/rpc/index.ts';
import { requireSchoolStaff, type SchoolContext } from './guards.ts';

/**
 * What a teacher's round pages start with: the school, the class, the round and every pupil's
 * answer (non-answers included). The database refuses a class the caller does not teach (unless
 * they are its school's coach or admin); that refusal is a 404 here, like any page not theirs.
 */
export interface RoundPage {
  ctx: SchoolContext;
  klass: RpcResult<'school_classes'>[number];
  rounds: RpcResult<'class_need_rounds'>;
  round: RpcResult<'class_need_rounds'>[number];
  answers: RpcResult<'need_round_answers'>;
  /** The class page's address. */
  classPath: string;
}

type Ctx = Pick<AstroGlobal, 'locals' | 'url' | 'redirect' | 'rewrite' | 'cookies' | 'params'>;

export async function loadRoundPage(astro: Ctx): Promise<RoundPage | Response> {
  const ctx = await requireSchoolStaff(astro, astro.params.school);
  if (ctx instanceof Response) return ctx;
  const ids = z.object({ classId: z.uuid(), roundId: z.uuid() }).safeParse(astro.params);
  if (!ids.success) return astro.rewrite('/404');
  const { backend, lang } = astro.locals;
  const klass = (await backend.db.rpc('school_classes', { p_school: ctx.school.id })).find((c) => c.class_id === ids.data.classId);
  if (!klass) return astro.rewrite('/404');
  try {
    const [rounds, answers] = await Promise.all([
      backend.db.rpc('class_need_rounds', { p_class: klass.class_id }),
      backend.db.rpc('need_round_answers', { p_round: ids.data.roundId }),
    ]);
    const round = rounds.find((r) => r.round_id === ids.data.roundId);
    if (!round) return astro.rewrite('/404');
    return { ctx, klass, rounds, round, answers, classPath: `/${lang}/s/${ctx.school.slug}/admin/classes/${klass.class_id}` };
  } catch (err) {
    if (err instanceof RpcError) return astro.rewrite('/404');
    throw err;
  }
}
