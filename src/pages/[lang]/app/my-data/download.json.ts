import type { APIRoute } from 'astro';
import { requireUser } from '~/server/guards.ts';

/** The right of access as a file: the same data as the page, as JSON, never cached. */
export const GET: APIRoute = async (ctx) => {
  const user = requireUser(ctx);
  if (user instanceof Response) return user;
  const data = await ctx.locals.backend.db.rpc('my_data', {});
  return new Response(`${JSON.stringify(data, null, 2)}\n`, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': 'attachment; filename="my-data.json"',
      'Cache-Control': 'no-store',
    },
  });
};
