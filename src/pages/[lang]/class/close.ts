import type { APIRoute } from 'astro';
import { classDeviceToken, clearClassDevice } from '~/server/class-mode.ts';
import { setFlash } from '~/server/flash.ts';

/** Ends class mode on this device (and on the server: the device token stops working). */
export const POST: APIRoute = async ({ locals, cookies, redirect, url }) => {
  const token = classDeviceToken(cookies);
  if (token) await locals.backend.admin.rpc('close_class_device', { p_device_token: token });
  clearClassDevice(cookies);
  if (locals.user?.kind === 'pupil') await locals.backend.auth.signOut();
  setFlash(cookies, url, { key: 'flash.classModeClosed' });
  return redirect(`/${locals.lang}/`, 303);
};
