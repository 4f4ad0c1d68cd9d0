import type { APIRoute } from 'astro';
import { LOCALE_COOKIE, negotiateLocale } from '~/i18n/negotiate.ts';

/** `/` sends the visitor to their language: saved choice, then Accept-Language, then Dutch. */
export const GET: APIRoute = ({ cookies, request }) => {
  const lang = negotiateLocale({
    cookie: cookies.get(LOCALE_COOKIE)?.value,
    acceptLanguage: request.headers.get('accept-language'),
  });
  return new Response(null, {
    status: 302,
    headers: {
      Location: `/${lang}/`,
      Vary: 'Accept-Language, Cookie',
      'Cache-Control': 'private, no-cache',
    },
  });
};
