import type { APIRoute } from 'astro';
import { safeNext } from '~/server/paths.ts';

/** The magic link from the sign-in mail lands here (`token`, or Supabase's `token_hash`). */
export const GET: APIRoute = async ({ url, locals, redirect }) => {
  const { lang, backend } = locals;
  const token = url.searchParams.get('token') ?? url.searchParams.get('token_hash') ?? '';
  if (!token || token.length > 200) return redirect(`/${lang}/sign-in?error=expired`, 303);
  const result = await backend.auth.verifyMagicLink(token);
  if (!result.ok) return redirect(`/${lang}/sign-in?error=${result.reason === 'no_account' ? 'expired' : result.reason}`, 303);
  return redirect(safeNext(result.next ?? url.searchParams.get('next'), `/${lang}/app`), 303);
};
