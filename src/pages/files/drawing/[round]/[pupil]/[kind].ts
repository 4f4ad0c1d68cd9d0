import type { APIRoute } from 'astro';
import { z } from 'zod';
import { RpcError } from '~/domain/rpc/index.ts';
import { notFound, privateFile } from '~/server/private-file.ts';

/** A pupil's drawing, for the pupil, their parents and the teachers who see their class. */
export const GET: APIRoute = async ({ params, locals }) => {
  const ids = z.object({ round: z.uuid(), pupil: z.uuid(), kind: z.enum(['needs', 'feedback']) }).safeParse(params);
  if (!ids.success || !locals.user) return notFound();
  try {
    const path = await locals.backend.db.rpc('need_drawing_path', {
      p_round: ids.data.round,
      p_pupil: ids.data.pupil,
      p_kind: ids.data.kind,
    });
    return await privateFile(locals.backend, 'pupil-drawings', path);
  } catch (err) {
    if (err instanceof RpcError) return notFound();
    throw err;
  }
};
