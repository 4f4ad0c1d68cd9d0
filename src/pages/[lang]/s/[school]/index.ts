import type { APIRoute } from 'astro';

/**
 * The short address printed on the poster and flyer under each QR code (`/tr/s/demo`), for a
 * parent without a QR scanner to type: it leads to the school's leaflets in that language.
 */
export const GET: APIRoute = ({ params, redirect }) => {
  const slug = /^[a-z0-9-]{1,40}$/.test(params.school ?? '') ? params.school : null;
  if (!slug) return new Response(null, { status: 404 });
  return redirect(`/${params.lang}/s/${slug}/leaflets`, 301);
};
