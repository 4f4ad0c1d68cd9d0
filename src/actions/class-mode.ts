import { z } from 'zod';
import { isPictureId, joinPictureCode, PICTURE_CODE_LENGTH } from '~/domain/pictures.ts';
import { LOCALE_CODES } from '~/i18n/locales.ts';
import { runtimeSecret } from '~/server/backend.ts';
import { adultControlsOpen, checkAdultPin, clearAdultPin, closeAdultControls, openAdultControls } from '~/server/class-adult.ts';
import { classDeviceToken, clearClassDevice, setClassLanguage } from '~/server/class-mode.ts';
import { typedDigits } from '~/server/forms.ts';
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
        // The idle clock starts: a few minutes without a request and the session ends.
        await backend.admin.rpc('pupil_session_started', { p_pupil: pupil.data });
        return { ok: true, to: `/${lang}/pupil?hello=1` };
      }
      if (result?.status === 'wrong_code') return { ok: true, to: `${here}?wrong=${result.attempts_left ?? 0}` };
      // No clock times for a six-year-old: wait a little, or ask the teacher.
      if (result?.status === 'locked') return { ok: true, to: `${here}?locked=1` };
      if (result?.status === 'needs_teacher') return { ok: true, to: `${here}?teacher=1` };
      return { ok: true, to: `/${lang}/class` };
    },
  }),

  /** The teacher's PIN (chosen when class mode was turned on): right, and the adult controls open here for a few minutes. */
  teacherGate: formAction({
    guard: (ctx) => classDeviceToken(ctx.cookies),
    input: z.object({ pin: typedDigits.pipe(z.string().trim().max(12)) }),
    secret: ['pin'],
    async handler({ pin }, token, { locals, cookies, url }) {
      const { t } = locals;
      const secret = await runtimeSecret();
      const outcome = checkAdultPin(cookies, url, secret, token, pin);
      if (!outcome.ok) {
        if (outcome.reason === 'wrong') throw new Refusal({ pin: t('classMode.pinWrong', { count: outcome.triesLeft }) });
        throw new Refusal({ pin: t(outcome.reason === 'locked' ? 'classMode.pinLocked' : 'classMode.noPin') });
      }
      openAdultControls(cookies, url, secret, token);
      return { ok: true, to: `/${locals.lang}/class/teacher` };
    },
  }),

  /** The class device's language, the teacher's choice (each pupil may choose their board's own). */
  language: formAction({
    guard: async (ctx) => {
      const token = classDeviceToken(ctx.cookies);
      if (!token) return null;
      return ctx.locals.user?.kind === 'person' || adultControlsOpen(ctx.cookies, await runtimeSecret(), token) ? token : null;
    },
    input: z.object({ locale: z.enum(LOCALE_CODES) }),
    async handler({ locale }, _, { cookies, url }) {
      setClassLanguage(cookies, url, locale);
      closeAdultControls(cookies);
      return { ok: true, to: `/${locale}/class` };
    },
  }),

  /**
   * Ends class mode on this device (and on the server: the device token stops working). On a
   * class device, only once the teacher's sum has opened the adult controls.
   */
  close: formAction({
    guard: async (ctx) => {
      const token = classDeviceToken(ctx.cookies);
      if (!token || ctx.locals.user?.kind === 'person') return true;
      return adultControlsOpen(ctx.cookies, await runtimeSecret(), token) ? true : null;
    },
    input: z.object({}),
    async handler(_, __, { locals, cookies }) {
      const token = classDeviceToken(cookies);
      if (token) await locals.backend.admin.rpc('close_class_device', { p_device_token: token });
      clearClassDevice(cookies);
      closeAdultControls(cookies);
      clearAdultPin(cookies);
      if (locals.user?.kind === 'pupil') await locals.backend.auth.signOut();
      return { ok: true, to: `/${locals.lang}/`, flash: { key: 'flash.classModeClosed' } };
    },
  }),
};
