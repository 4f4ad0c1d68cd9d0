import { z } from 'zod';
import { isPictureId, joinPictureCode, PICTURE_CODE_LENGTH } from '~/domain/pictures.ts';
import { classDeviceToken, clearClassDevice } from '~/server/class-mode.ts';
import { formAction, Refusal } from './define.ts';

/**
 * A classroom device in class mode: a pupil taps three pictures; a teacher turns class mode off.
 * The device holds no person's session: the server checks its token and the pupil's code.
 */
export const classMode = {
  signIn: formAction({
    guard: (ctx) => (ctx.locals.user?.kind === 'pupil' ? null : classDeviceToken(ctx.cookies)),
    input: z.object({
      picked: z.array(z.string().max(20)).max(PICTURE_CODE_LENGTH),
      pick: z.string().max(20).optional(),
      clear: z.boolean(),
    }),
    async handler({ picked, pick, clear }, token, { locals, params }) {
      const { backend, lang } = locals;
      const pupil = z.uuid().safeParse(params.pupilId);
      const here = `/${lang}/class/${pupil.data ?? ''}`;
      if (!pupil.success) return { ok: true, to: `/${lang}/class` };
      if (clear) return { ok: true, to: here };
      const code = [...picked, pick].filter(isPictureId).slice(0, PICTURE_CODE_LENGTH);
      // Fewer than three pictures (a device without JavaScript posts every tap): nothing changed
      // yet, so the page simply comes back with the pictures tapped so far. Never in the URL:
      // a classroom device's history is for every child to see.
      if (code.length < PICTURE_CODE_LENGTH) throw new Refusal({});
      const [result] = await backend.admin.rpc('pupil_sign_in', {
        p_device_token: token,
        p_pupil: pupil.data,
        p_code: joinPictureCode(code),
      });
      if (result?.status === 'ok') {
        await backend.auth.startPupilSession({
          pupilId: pupil.data,
          userId: result.pupil_user_id,
          endsAt: new Date(result.session_ends_at!),
        });
        return { ok: true, to: `/${lang}/pupil` };
      }
      if (result?.status === 'wrong_code') return { ok: true, to: `${here}?wrong=${result.attempts_left ?? 0}` };
      // No clock times for a six-year-old: wait a little, or ask the teacher.
      if (result?.status === 'locked') return { ok: true, to: `${here}?locked=1` };
      if (result?.status === 'needs_teacher') return { ok: true, to: `${here}?teacher=1` };
      return { ok: true, to: `/${lang}/class` };
    },
  }),

  /** Ends class mode on this device (and on the server: the device token stops working). */
  close: formAction({
    guard: () => true,
    input: z.object({}),
    async handler(_, __, { locals, cookies }) {
      const token = classDeviceToken(cookies);
      if (token) await locals.backend.admin.rpc('close_class_device', { p_device_token: token });
      clearClassDevice(cookies);
      if (locals.user?.kind === 'pupil') await locals.backend.auth.signOut();
      return { ok: true, to: `/${locals.lang}/`, flash: { key: 'flash.classModeClosed' } };
    },
  }),
};
