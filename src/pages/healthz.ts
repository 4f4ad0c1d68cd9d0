import type { APIRoute } from 'astro';
import { bootBackend } from '~/server/backend.ts';

/**
 * Ready when the backend is (in embedded mode: database open and migrated). It says only that:
 * anyone may ask (load balancers, any Host), so it names neither the mode nor a version (issue
 * 18); the start-up log says which mode runs.
 */
export const GET: APIRoute = async () => {
  await bootBackend();
  return new Response(JSON.stringify({ ok: true }), {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
};
