import type { APIRoute } from 'astro';
import { dirOf } from '~/i18n/locales.ts';

/**
 * The web app manifest of a school's tips in one language: a parent adds "Tips for parents –
 * school" to their home screen, and it opens on the school's list in their language, kept for
 * offline reading by public/sw.js (the same scope).
 */
export const GET: APIRoute = async ({ params, locals }) => {
  const { lang, t, backend } = locals;
  const slug = (params.school ?? '').slice(0, 40);
  const [school] = await backend.db.rpc('school_by_slug', { p_slug: slug });
  if (!school) return new Response(null, { status: 404 });
  const scope = `/${lang}/s/${school.slug}/leaflets`;
  const manifest = {
    name: t('leaflets:offline.appName', { school: school.name }),
    short_name: t('leaflets:offline.appShortName'),
    description: t('leaflets:list.intro'),
    lang,
    dir: dirOf(lang),
    start_url: scope,
    scope,
    id: scope,
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#1d5c63',
    icons: [
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  };
  return new Response(JSON.stringify(manifest), {
    headers: { 'Content-Type': 'application/manifest+json; charset=utf-8', 'Cache-Control': 'public, no-cache' },
  });
};
