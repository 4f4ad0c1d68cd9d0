import type { APIRoute } from 'astro';
import { bootBackend } from '~/server/backend.ts';

/** Ready when the backend is (in embedded mode: database open and migrated). */
export const GET: APIRoute = async () => {
  const rt = await bootBackend();
  return new Response(JSON.stringify({ ok: true, mode: rt.config.mode }), {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
};
