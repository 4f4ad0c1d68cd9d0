import type { AstroGlobal } from 'astro';
import { z } from 'zod';
import { RpcError, type RpcResult } from '~/domain/rpc/index.ts';

/**
 * A meeting page's start: the meeting, for whoever may see it (the database decides; anything
 * else is a 404, like any page that is not theirs).
 */
type Ctx = Pick<AstroGlobal, 'locals' | 'params' | 'rewrite'>;

export async function loadMeeting(astro: Ctx): Promise<RpcResult<'meeting_detail'>[number] | Response> {
  const id = z.uuid().safeParse(astro.params.meetingId);
  if (!id.success) return astro.rewrite('/404');
  try {
    const [meeting] = await astro.locals.backend.db.rpc('meeting_detail', { p_meeting: id.data });
    return meeting ?? astro.rewrite('/404');
  } catch (err) {
    if (err instanceof RpcError) return astro.rewrite('/404');
    throw err;
  }
}

/** The screens of a parent's preparation: 0 the meeting, 1–6 the topics, 7 read back and share. */
export const PREP_STEPS = 8;
