import type { APIRoute } from 'astro';
import { z } from 'zod';
import { RpcError } from '~/domain/rpc/index.ts';
import { notFound, privateFile } from '~/server/private-file.ts';

/** A recorded voice, for the people it was recorded for (a school's pupils, or one child's). */
export const GET: APIRoute = async ({ params, locals }) => {
  const id = z.uuid().safeParse(params.id);
  if (!id.success || !locals.user) return notFound();
  try {
    const path = await locals.backend.db.rpc('voice_recording_path', { p_recording: id.data });
    return await privateFile(locals.backend, 'voices', path);
  } catch (err) {
    if (err instanceof RpcError) return notFound();
    throw err;
  }
};
