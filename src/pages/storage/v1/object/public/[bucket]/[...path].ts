import type { APIRoute } from 'astro';

/**
 * Public files (school logos, leaflet images) in embedded mode, at the same address shape as
 * Supabase Storage's public URLs. Only the public bucket; names are generated, so files never
 * change and may be cached for long.
 */
export const GET: APIRoute = async ({ params, locals }) => {
  if (params.bucket !== 'school-assets' || !params.path || locals.backend.mode === 'supabase') {
    return new Response(null, { status: 404 });
  }
  try {
    const file = await locals.backend.storage.getPublic(params.bucket, params.path);
    if (!file) return new Response(null, { status: 404 });
    return new Response(new Blob([file.bytes as Uint8Array<ArrayBuffer>]), {
      headers: {
        'Content-Type': file.contentType,
        'Cache-Control': 'public, max-age=31536000, immutable',
        'Content-Disposition': 'inline',
      },
    });
  } catch {
    return new Response(null, { status: 404 });
  }
};
