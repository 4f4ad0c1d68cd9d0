import { z } from 'zod';
import { LIMITS } from '~/domain/limits.ts';
import { classDeviceToken } from '~/server/class-mode.ts';
import { emailField, typedDigits } from '~/server/forms.ts';
import { safeNext } from '~/server/paths.ts';
import { clearPendingSignIn, getPendingSignIn, setPendingSignIn } from '~/server/pending-sign-in.ts';
import { anyone, formAction, Refusal } from './define.ts';

/** Signing in by e-mail code, by password, and signing out. */
export const auth = {
  /** "Send me a code": the code page follows, whether or not the address has an account. */
  sendCode: formAction({
    guard: anyone,
    input: z.object({ email: emailField, next: z.string().max(300).optional() }),
    async handler({ email, next }, _, { locals, cookies, url }) {
      const target = safeNext(next, `/${locals.lang}/app`);
      await locals.backend.auth.sendSignInCode({ email, lang: locals.lang, allowNewAccount: false, next: target });
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
      if (!result.ok) throw new Refusal({ code: locals.t(`auth:code.error.${result.reason}`) });
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
      if (!result.ok) throw new Refusal({ password: locals.t(`auth:password.error.${result.reason === 'locked' ? 'locked' : 'wrong'}`) });
      return { ok: true, to: safeNext(next, `/${locals.lang}/app`) };
    },
  }),

  signOut: formAction({
    guard: anyone,
    input: z.object({}),
    async handler(_, __, { locals, cookies }) {
      const wasPupil = locals.user?.kind === 'pupil';
      await locals.backend.auth.signOut();
      // A pupil hands the class device on to the next pupil.
      if (wasPupil && classDeviceToken(cookies)) return { ok: true, to: `/${locals.lang}/class` };
      return { ok: true, to: `/${locals.lang}/`, flash: { key: 'flash.signedOut' } };
    },
  }),
};
