import { z } from 'zod';
import { LIMITS } from '~/domain/limits.ts';
import { locale } from '~/domain/rpc/shared.ts';
import { TRANSLATION_LOCALES } from '~/i18n/locales.ts';
import { nameField } from '~/server/forms.ts';
import { signedInPerson } from '~/server/guards.ts';
import { FRESH_SIGN_IN_MINUTES } from '~/server/port.ts';
import { formAction, Refusal } from './define.ts';

/** Your name as your school sees it, the language you read in, and an optional password. */
export const account = {
  saveProfile: formAction({
    guard: signedInPerson,
    input: z.object({ display_name: nameField(LIMITS.displayName), locale }),
    async handler({ display_name, locale: chosen }, _, { locals }) {
      await locals.backend.db.rpc('update_my_profile', { p_display_name: display_name, p_locale: chosen });
      return { ok: true, to: `/${chosen}/app/account`, flash: { key: 'app.account.saved' } };
    },
  }),

  /** The languages a staff member translates leaflets into: their "to translate" list follows. */
  saveTranslates: formAction({
    guard: signedInPerson,
    input: z.object({ translates: z.array(z.enum(TRANSLATION_LOCALES)).max(5).default([]) }),
    async handler({ translates }, _, { locals }) {
      await locals.backend.db.rpc('set_my_translation_locales', { p_locales: translates });
      return { ok: true, flash: { key: 'app.account.translatesSaved' } };
    },
  }),

  /**
   * Asks a school to erase what is stored about the person (and, if ticked, their children's
   * answers and meeting parts). The school's admins answer it; the answer shows on My data.
   */
  requestErasure: formAction({
    guard: signedInPerson,
    input: z.object({
      school: z.uuid(),
      include_children: z.boolean().default(false),
      message: nameField({ max: LIMITS.erasureMessage }).optional(),
    }),
    async handler({ school, include_children, message }, _, { locals }) {
      await locals.backend.db.rpc('request_erasure', {
        p_school: school,
        p_include_children: include_children,
        p_message: message || null,
      });
      return { ok: true, flash: { key: 'app.myData.erasure.sent' } };
    },
  }),

  setPassword: formAction({
    guard: signedInPerson,
    input: z
      .object({
        current: z.string().max(LIMITS.password.max).optional(),
        password: z.string().min(LIMITS.password.min).max(LIMITS.password.max),
        password_again: z.string().max(LIMITS.password.max),
      })
      .refine((d) => d.password === d.password_again, { path: ['password_again'], message: 'app.account.passwordMismatch' }),
    secret: ['current', 'password', 'password_again'],
    async handler({ current, password }, _, { locals }) {
      // Issue 18 (L4): the current password, or a fresh sign-in with a code; other sessions end.
      const set = await locals.backend.auth.setPassword(password, current ?? null);
      if (!set.ok && set.reason === 'wrong_current') throw new Refusal({ current: locals.t('app.account.currentWrong') });
      if (!set.ok) throw new Refusal({ _form: locals.t('app.account.notFresh', { minutes: FRESH_SIGN_IN_MINUTES }) });
      return { ok: true, flash: { key: 'app.account.passwordSaved' } };
    },
  }),
};
