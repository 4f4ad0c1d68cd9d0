import { z } from 'zod';
import { forgetPushDevice, pushDevice } from '~/server/notify/device.ts';
import { LIMITS } from '~/domain/limits.ts';
import { intlLocale } from '~/i18n/format.ts';
import type { Locale } from '~/i18n/locales.ts';
import { classDeviceToken, classLanguage } from '~/server/class-mode.ts';
import { emailField, typedDigits } from '~/server/forms.ts';
import { atLeast, SEND_CODE_MS } from '~/server/even-time.ts';
import { safeNext } from '~/server/paths.ts';
import { clearPendingSignIn, getPendingSignIn, setPendingSignIn } from '~/server/pending-sign-in.ts';
import { anyone, formAction, Refusal } from './define.ts';

/** When to try again, as a person reads a clock where the school is. */
const clockTime = (lang: Locale, at: Date) =>
  new Intl.DateTimeFormat(intlLocale(lang), { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' }).format(at);

/** Signing in by e-mail code, by password, and signing out. */
export const auth = {
  /** "Send me a code": the code page follows, whether or not the address has an account. */
  sendCode: formAction({
    guard: anyone,
    input: z.object({ email: emailField, next: z.string().max(300).optional() }),
    async handler({ email, next }, _, { locals, cookies, url }) {
      const target = safeNext(next, `/${locals.lang}/app`);
      // As long for an address with an account as for one without (issue 18, L8: about 7 ms apart).
      const sent = await atLeast(
        SEND_CODE_MS,
        locals.backend.auth.sendSignInCode({ email, lang: locals.lang, allowNewAccount: false, next: target }),
      );
      if (!sent.ok) throw new Refusal({ email: locals.t('auth:limit.codes', { time: clockTime(locals.lang, sent.until) }) });
      setPendingSignIn(cookies, url, { email, next: target });
      return { ok: true, to: `/${locals.lang}/sign-in/code` };
    },
  }),

  verifyCode: formAction({
    guard: anyone,
    input: z.object({
      code: typedDigits.transform((v) => v.replace(/[\s-]/g, '')).pipe(z.string().regex(/^\d{6}$/, 'auth:code.error.format')),
    }),
    async handler({ code }, _, { locals, cookies }) {
      const pending = getPendingSignIn(cookies);
      if (!pending) return { ok: true, to: `/${locals.lang}/sign-in` };
      const result = await locals.backend.auth.verifySignInCode(pending.email, code);
      if (!result.ok) {
        throw new Refusal({
          code:
            result.reason === 'limited' && result.until
              ? locals.t('auth:limit.tries', { time: clockTime(locals.lang, result.until) })
              : locals.t(`auth:code.error.${result.reason}`),
        });
      }
      clearPendingSignIn(cookies);
      return { ok: true, to: pending.next };
    },
  }),

  withPassword: formAction({
    guard: anyone,
    input: z.object({ email: emailField, password: z.string().min(1).max(LIMITS.password.max), next: z.string().max(300).optional() }),
    secret: ['password'],
    async handler({ email, password, next }, _, { locals }) {
      const result = await locals.backend.auth.signInWithPassword(email, password);
      if (!result.ok) {
        throw new Refusal({
          password:
            result.reason === 'limited' && result.until
              ? locals.t('auth:limit.password', { time: clockTime(locals.lang, result.until) })
              : locals.t('auth:password.error.wrong'),
        });
      }
      return { ok: true, to: safeNext(next, `/${locals.lang}/app`) };
    },
  }),

  signOut: formAction({
    guard: anyone,
    input: z.object({}),
    async handler(_, __, { locals, cookies }) {
      const wasPupil = locals.user?.kind === 'pupil';
      // This browser stops receiving the person's notifications (a shared phone keeps none of them).
      const device = pushDevice(cookies);
      if (device && locals.user?.kind === 'person') {
        await locals.backend.db.rpc('remove_my_push_device', { p_device: device }).catch(() => 0);
      }
      forgetPushDevice(cookies);
      await locals.backend.auth.signOut();
      // A pupil hands the class device on to the next pupil.
      if (wasPupil && classDeviceToken(cookies)) return { ok: true, to: `/${classLanguage(cookies, locals.lang)}/class` };
      return { ok: true, to: `/${locals.lang}/`, flash: { key: 'flash.signedOut' } };
    },
  }),
};
