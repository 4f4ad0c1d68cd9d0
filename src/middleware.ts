import { defineMiddleware, sequence } from 'astro:middleware';
import { getT } from './i18n/index.ts';
import { dirOf, isLocale } from './i18n/locales.ts';
import { LOCALE_COOKIE, localeOfPath, negotiateLocale } from './i18n/negotiate.ts';

const ONE_YEAR = 60 * 60 * 24 * 365;

/** Puts the locale, its direction and a bound `t` on `locals`; remembers the reader's language. */
const locale = defineMiddleware(async (context, next) => {
  const { url, cookies, request, params } = context;

  // `/[lang]/…` routes match any first segment; only our six locales are real pages.
  if (params.lang !== undefined && !isLocale(params.lang)) {
    context.locals.lang = negotiateLocale({
      cookie: cookies.get(LOCALE_COOKIE)?.value,
      acceptLanguage: request.headers.get('accept-language'),
    });
    context.locals.dir = dirOf(context.locals.lang);
    context.locals.t = getT(context.locals.lang);
    return context.rewrite('/404');
  }

  const fromPath = localeOfPath(url.pathname);
  const lang =
    fromPath ??
    negotiateLocale({
      cookie: cookies.get(LOCALE_COOKIE)?.value,
      acceptLanguage: request.headers.get('accept-language'),
    });
  context.locals.lang = lang;
  context.locals.dir = dirOf(lang);
  context.locals.t = getT(lang);

  const response = await next();

  // Reading a page in a language is the saved choice that `/` returns to next time.
  if (fromPath && cookies.get(LOCALE_COOKIE)?.value !== fromPath && response.status < 400) {
    cookies.set(LOCALE_COOKIE, fromPath, {
      path: '/',
      maxAge: ONE_YEAR,
      sameSite: 'lax',
      httpOnly: true,
      secure: url.protocol === 'https:',
    });
  }
  return response;
});

/** Headers every response carries. */
const securityHeaders = defineMiddleware(async (_context, next) => {
  const response = await next();
  const h = response.headers;
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  h.set('X-Frame-Options', 'DENY');
  h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  return response;
});

export const onRequest = sequence(securityHeaders, locale);
