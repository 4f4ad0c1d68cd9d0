import type { APIRoute } from 'astro';
import { runtimeSecret } from '~/server/backend.ts';
import { readUnsubscribeToken } from '~/server/notify/unsubscribe.ts';

/**
 * One-click unsubscribe (RFC 8058): a mail program posts `List-Unsubscribe=One-Click` here from
 * its own servers, with no session and no Origin of ours (the middleware lets exactly this path
 * through). The signed link is the proof; it turns off one kind of mail for one person. A GET
 * (someone opened the address) changes nothing and shows the page with the button instead.
 */
export const POST: APIRoute = async ({ params, request, locals }) => {
  const read = readUnsubscribeToken(await runtimeSecret(), params.token ?? '');
  const body = await request.text().catch(() => '');
  if (!read || !/(^|&)List-Unsubscribe=One-Click(&|$)/.test(body.slice(0, 200))) {
    return new Response(null, { status: 400, headers: { 'Cache-Control': 'no-store' } });
  }
  await locals.backend.admin.rpc('unsubscribe_notifications', { p_user: read.userId, p_kind: read.kind });
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
};

export const GET: APIRoute = ({ params, redirect }) => redirect(`/${params.lang}/unsubscribe/${params.token}`, 303);
