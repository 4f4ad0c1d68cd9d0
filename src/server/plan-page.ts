import type { AstroGlobal } from 'astro';
import { z } from 'zod';
import { RpcError, type RpcResult } from '~/domain/rpc/index.ts';
import { requireSchoolStaff, type SchoolContext } from './guards.ts';

/**
 * What a groepsplan's page starts with: the school, the plan's facts, its circles, its pupils,
 * the class's rounds (to link one to the plan's goal) and what was agreed about it. The database
 * refuses a plan of a class the caller does not teach (unless coach or admin): a 404 here.
 */
export interface PlanPage {
  ctx: SchoolContext;
  plan: RpcResult<'group_plan'>[number];
  circles: RpcResult<'group_plan_circles'>;
  pupils: RpcResult<'group_plan_pupils'>;
  rounds: RpcResult<'class_need_rounds'>;
  discussions: RpcResult<'group_plan_discussions'>;
  classPath: string;
  /** A pupil's page, for the name links. */
  pupilPath: (id: string) => string;
}

type Ctx = Pick<AstroGlobal, 'locals' | 'url' | 'redirect' | 'rewrite' | 'cookies' | 'params'>;

export async function loadPlanPage(astro: Ctx): Promise<PlanPage | Response> {
  const ctx = await requireSchoolStaff(astro, astro.params.school);
  if (ctx instanceof Response) return ctx;
  const ids = z.object({ classId: z.uuid(), planId: z.uuid() }).safeParse(astro.params);
  if (!ids.success) return astro.rewrite('/404');
  const { backend, lang } = astro.locals;
  try {
    const [plan] = await backend.db.rpc('group_plan', { p_plan: ids.data.planId });
    if (!plan || plan.class_id !== ids.data.classId || plan.school_id !== ctx.school.id) return astro.rewrite('/404');
    const [circles, pupils, rounds, discussions] = await Promise.all([
      backend.db.rpc('group_plan_circles', { p_plan: plan.plan_id }),
      backend.db.rpc('group_plan_pupils', { p_plan: plan.plan_id }),
      backend.db.rpc('class_need_rounds', { p_class: plan.class_id }),
      backend.db.rpc('group_plan_discussions', { p_plan: plan.plan_id }),
    ]);
    const base = `/${lang}/s/${ctx.school.slug}/admin`;
    return {
      ctx,
      plan,
      circles,
      pupils,
      rounds,
      discussions,
      classPath: `${base}/classes/${plan.class_id}`,
      pupilPath: (id) => `${base}/pupils/${id}`,
    };
  } catch (err) {
    if (err instanceof RpcError) return astro.rewrite('/404');
    throw err;
  }
}
