import { getActionContext } from 'astro:actions';
import { defineMiddleware, sequence } from 'astro:middleware';
import { type FormOutcome, pageOf } from './actions/define.ts';
import { getT } from './i18n/index.ts';
import { dirOf, isLocale } from './i18n/locales.ts';
import { LOCALE_COOKIE, localeOfPath, negotiateLocale } from './i18n/negotiate.ts';
import { backendFor, bootBackend, log, runtimeSecret } from './server/backend.ts';
import { setFlash } from './server/flash.ts';
import { bodyLimitOf, bodyOverLimit, sizeText, UPLOAD_LIMITS } from './server/body-limits.ts';
import { forgetRefusal, keepRefusal, takeRefusal } from './server/refusal.ts';
import { installFastPath } from './server/fast-path.ts';
import { ONE_CLICK_PATH } from './server/notify/unsubscribe.ts';
import { notificationsMayWait } from './server/notify/runtime.ts';
import { cachedPage, isCacheablePath, PUBLIC_CACHE_CONTROL, pageKey, storePage } from './server/page-cache.ts';
import { cacheMayAnswer, localeToRemember } from './server/public-page-rules.ts';
import { clientAddressOf, cookiesSecure, hostAllowed, site } from './server/site.ts';

const ONE_YEAR = 60 * 60 * 24 * 365;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Start the backend (and, in embedded mode, migrate) as soon as the server loads this module;
// then offer scripts/serve.mjs the answer to cached public pages before Astro's pipeline.
void bootBackend()
  .then((rt) => installFastPath(rt.config.mode))
  .catch(() => undefined);

/**
 * Pages are compressed on the way out (Astro's Node server does not): a leaflet is about a
 * third of its size gzipped, which a parent on a slow phone connection notices.
 */
const compress = defineMiddleware(async (context, next) => {
  const response = await next();
  const type = response.headers.get('content-type') ?? '';
  const accepts = context.request.headers.get('accept-encoding') ?? '';
  if (
    !response.body ||
    response.headers.has('content-encoding') ||
    !/^(text\/html|application\/json)/.test(type) ||
    !/\bgzip\b/.test(accepts)
  ) {
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set('Content-Encoding', 'gzip');
  headers.delete('Content-Length');
  headers.append('Vary', 'Accept-Encoding');
  return new Response(response.body.pipeThrough(new CompressionStream('gzip')), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
});

/** Headers every response carries; a strict policy where the page set none of its own. */
const securityHeaders = defineMiddleware(async (context, next) => {
  const response = await next();
  const h = response.headers;
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  h.set('X-Frame-Options', 'DENY');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  // The recording pages ask for the microphone themselves (src/server/recording.ts); no other page may.
  if (!h.has('Permissions-Policy')) h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  if (!h.has('Content-Security-Policy')) {
    h.set(
      'Content-Security-Policy',
      "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  }
  // Pages of a signed-in person are theirs alone: no cache may keep them.
  if (context.locals.user || context.locals.backend?.auth.hasSession()) {
    h.set('Cache-Control', 'no-store');
  }
  return response;
});

/**
 * The Host a request names must be one this portal is served under (PORTAL_PUBLIC_URL's, or
 * one of PORTAL_ALLOWED_HOSTS): a forged Host never reaches a page, let alone a link in a mail.
 * Read at run time, so a build moves between machines and proxies unchanged.
 */
const knownHost = defineMiddleware(async (context, next) => {
  await bootBackend();
  if (context.url.pathname !== '/healthz' && !hostAllowed(context.url.hostname)) {
    return new Response('This portal is not served under this address.', { status: 421, headers: { 'Content-Type': 'text/plain' } });
  }
  // A NUL byte in an address is no name of anything here; it never reaches the database (where
  // it was a 500 with a stack in the log: issue 18).
  if (/%00/.test(context.url.pathname + context.url.search)) {
    return new Response('Bad request.', { status: 400, headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } });
  }
  return next();
});

/**
 * Every request that changes something must come from the portal's own pages: its Origin is the
 * public origin (behind a TLS proxy: https://…) or the address it was made to, whatever its
 * Content-Type. This replaces Astro's checkOrigin, which compares with the address Astro builds
 * from the socket (http:// behind a TLS proxy) and would refuse every form there.
 */
const sameOrigin = defineMiddleware((context, next) => {
  const { request, url } = context;
  // A mail program's one-click unsubscribe (RFC 8058) posts from its own servers, with no Origin
  // of ours: the signed link itself is the proof, and it can only turn one kind of mail off.
  if (request.method === 'POST' && ONE_CLICK_PATH.test(url.pathname)) return next();
  if (!SAFE_METHODS.has(request.method)) {
    const origin = request.headers.get('origin');
    const fetchSite = request.headers.get('sec-fetch-site');
    const ours = origin !== null && (origin === site().publicUrl.origin || origin === url.origin);
    if (!(ours || (origin === null && fetchSite === 'same-origin'))) {
      return new Response('Cross-site requests are refused.', { status: 403 });
    }
  }
  return next();
});

/** Reading a page in a language is the saved choice that `/` returns to next time. */
function rememberLocale(context: Parameters<Parameters<typeof defineMiddleware>[0]>[0], lang: string): void {
  const { cookies, url } = context;
  if (cookies.get(LOCALE_COOKIE)?.value !== lang) {
    cookies.set(LOCALE_COOKIE, lang, { path: '/', maxAge: ONE_YEAR, sameSite: 'lax', httpOnly: true, secure: cookiesSecure(url) });
  }
}

/**
 * Published leaflets for anonymous readers come from a short-lived cache (see page-cache.ts),
 * answered before anything else runs: this is the page a whole class's parents open at once.
 */
const publicPages = defineMiddleware(async (context, next) => {
  const { request, url } = context;
  const cookieHeader = request.headers.get('cookie');
  // The same rules as the fast path's (public-page-rules.ts); whether the request has a session is
  // the running mode's to say (Supabase's cookies are not ours).
  const read = { method: request.method, pathname: url.pathname, cookieHeader };
  if (!cacheMayAnswer((await bootBackend()).config.mode, read)) return next();
  // Stored as sent (headers and compression included), so a hit runs nothing else; only a GET's
  // page is stored (a HEAD has no body). The reader's language is remembered here, outside what is
  // stored: a stored page sets no cookie.
  // (Hits usually never get here: scripts/serve.mjs answers them before Astro, see fast-path.ts.)
  const key = pageKey(url.pathname, url.search, request.headers.get('accept-encoding'));
  const response = cachedPage(key) ?? (request.method === 'GET' ? await storePage(key, await next()) : await next());
  const lang = localeToRemember(url.pathname, cookieHeader);
  if (lang && response.status === 200) rememberLocale(context, lang);
  const etag = response.headers.get('etag');
  if (etag && request.headers.get('if-none-match') === etag) {
    return new Response(null, { status: 304, headers: { ETag: etag, 'Cache-Control': PUBLIC_CACHE_CONTROL, Vary: 'Accept-Encoding' } });
  }
  return response;
});

/** Puts the locale, its direction and a bound `t` on `locals`; remembers the reader's language. */
const locale = defineMiddleware(async (context, next) => {
  const { url, cookies, request, params } = context;
  const negotiated = () =>
    negotiateLocale({ cookie: cookies.get(LOCALE_COOKIE)?.value, acceptLanguage: request.headers.get('accept-language') });

  // `/[lang]/…` routes match any first segment; only our six locales are real pages.
  if (params.lang !== undefined && !isLocale(params.lang)) {
    context.locals.lang = negotiated();
    context.locals.dir = dirOf(context.locals.lang);
    context.locals.t = getT(context.locals.lang);
    return context.rewrite('/404');
  }

  // A page that answers "not found" rewrites to /404: it stays in the language it was asked in.
  const rewrittenFrom = url.pathname === '/404' && isLocale(context.locals.lang) ? context.locals.lang : null;
  const fromPath = localeOfPath(url.pathname) ?? rewrittenFrom;
  const lang = fromPath ?? negotiated();
  context.locals.lang = lang;
  context.locals.dir = dirOf(lang);
  context.locals.t = getT(lang);

  const response = await next();

  // (Public pages remember it in publicPages, after the page is stored without the cookie.)
  if (fromPath && response.status < 400 && !isCacheablePath(url.pathname)) rememberLocale(context, fromPath);
  return response;
});

/**
 * Bodies bounded by what the request needs (issue 18, M6; server/body-limits.ts): a form action
 * by its own limit (large only where a file is uploaded), other endpoints by their path. Judged
 * by the headers, before anything reads the body. A form action refused this way gets its page
 * again with the sentence (formActions); anything else a 413 with the sentence, in the person's
 * language.
 */
const boundedBodies = defineMiddleware((context, next) => {
  const { request, url, cookies } = context;
  if (url.searchParams.has('_action')) return next();
  const over = bodyOverLimit(request, bodyLimitOf(null, url.pathname));
  if (!over) return next();
  const lang =
    localeOfPath(url.pathname) ??
    negotiateLocale({ cookie: cookies.get(LOCALE_COOKIE)?.value, acceptLanguage: request.headers.get('accept-language') });
  return new Response(getT(lang)('errors.formTooLarge'), {
    status: over === 'large' ? 413 : 411,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Language': lang, 'Cache-Control': 'no-store', Connection: 'close' },
  });
});

/**
 * Form actions (src/actions): a success is answered with a redirect (post → redirect → get), so a
 * reload never repeats it; a refusal renders the page again with the errors and what was typed.
 * A post the action cannot read (a tampered name, not a form) gets the page with a sentence, never
 * a 500; one over its size (server/body-limits.ts) the page with a sentence and status 413, its
 * body never read. The body is read once, by the action (define.ts keeps what was typed, also
 * when its handler fails). Actions are for forms only: their RPC endpoint answers 404.
 */
const formActions = defineMiddleware(async (context, next) => {
  const { action, setActionResult, serializeActionResult } = getActionContext(context);
  if (!action) {
    // The page after a refused form's redirect: the refusal and what was typed, once.
    if (context.request.method === 'GET') {
      const kept = takeRefusal({
        cookies: context.cookies,
        url: context.url,
        secret: await runtimeSecret(),
        userId: context.locals.user?.id ?? null,
      });
      if (kept) setActionResult(kept.action, serializeActionResult({ data: kept.refused, error: undefined }));
    }
    return next();
  }
  if (action.calledFrom === 'rpc') return new Response(null, { status: 404 });
  const limit = bodyLimitOf(action.name, context.url.pathname);
  const over = bodyOverLimit(context.request, limit);
  if (over) {
    const { t } = context.locals;
    const upload = action.name in UPLOAD_LIMITS;
    const refused: FormOutcome = {
      ok: false,
      errors: { _form: upload ? t('errors.tooLarge', sizeText(limit)) : t('errors.formTooLarge') },
      values: {},
    };
    setActionResult(action.name, serializeActionResult({ data: refused, error: undefined }));
    const page = await next();
    const headers = new Headers(page.headers);
    headers.set('Connection', 'close');
    return new Response(page.body, { status: over === 'large' ? 413 : 411, headers });
  }
  let result: Awaited<ReturnType<typeof action.handler>>;
  try {
    result = await action.handler();
  } catch (err) {
    // The sender went away while the body came in: nobody to answer, nothing to log (issue 18:
    // 200 aborted posts wrote 200 stacks).
    if (aborted(err, context.request)) return new Response(null, { status: 400 });
    throw err;
  }
  const outcome = result.error ? null : (result.data as FormOutcome | undefined);
  if (outcome?.ok) {
    // What the action changed may have made notifications: they go out now, not at the next poll.
    notificationsMayWait();
    if (outcome.flash) setFlash(context.cookies, context.url, outcome.flash);
    forgetRefusal(context.cookies, context.url);
    return context.redirect(outcome.to ?? pageOf(context.url), 303);
  }
  let refused = outcome;
  if (refused) {
    // Refused by the action (what was typed does not do): also a redirect, so a reload does not post it again.
    const scope = { cookies: context.cookies, url: context.url, secret: await runtimeSecret(), userId: context.locals.user?.id ?? null };
    const to = keepRefusal(scope, pageOf(context.url), action.name, refused);
    if (to) return context.redirect(to, 303);
  } else {
    // The action never ran its handler (not a form, a tampered name): log what kind, never the
    // input. The body is not read again (issue 18): define.ts keeps what was typed whenever the
    // handler ran.
    log(`action ${action.name.slice(0, 60)} refused: ${String(result.error?.code ?? 'unknown').slice(0, 40)}`);
    refused = { ok: false, errors: { _form: context.locals.t('errors.generic') }, values: {} };
  }
  setActionResult(action.name, serializeActionResult({ data: refused, error: undefined }));
  return next();
});

/** Whether an error is the client hanging up before its body was read. */
function aborted(err: unknown, request: Request): boolean {
  if (request.signal.aborted) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return err.message === 'aborted' || err.name === 'AbortError' || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/** The backend bound to this request, and the user it verifies. */
const session = defineMiddleware(async (context, next) => {
  if (context.url.pathname.startsWith('/_astro/')) return next();
  let socket = '';
  try {
    socket = context.clientAddress;
  } catch {
    socket = '';
  }
  const client = clientAddressOf(socket, context.request.headers.get('x-forwarded-for'));
  const backend = await backendFor({ cookies: context.cookies, url: context.url, request: context.request, client });
  context.locals.backend = backend;
  context.locals.user = await backend.auth.getUser();
  // A pupil's session ends when the child walked away (the school's idle limit) or left the
  // school: the class device asks the next child who they are.
  if (context.locals.user?.kind === 'pupil' && !(await backend.admin.rpc('pupil_session_alive', { p_user: context.locals.user.id }))) {
    await backend.auth.signOut();
    context.locals.user = null;
  }
  return next();
});

export const onRequest = sequence(
  knownHost,
  publicPages,
  compress,
  securityHeaders,
  sameOrigin,
  boundedBodies,
  session,
  locale,
  formActions,
);
