import type { APIRoute } from 'astro';
import { classDeviceToken } from '~/server/class-mode.ts';
import { setFlash } from '~/server/flash.ts';

/** Ends the session on the server, then goes home. */
export const POST: APIRoute = async ({ locals, redirect, cookies, url }) => {
  const wasPupil = locals.user?.kind === 'pupil';
  await locals.backend.auth.signOut();
  // A pupil hands the class device on to the next pupil.
  if (wasPupil && classDeviceToken(cookies)) return redirect(`/${locals.lang}/class`, 303);
  setFlash(cookies, url, { key: 'flash.signedOut' });
  return redirect(`/${locals.lang}/`, 303);
};
