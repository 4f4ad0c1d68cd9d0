import { z } from 'zod';
import { LIMITS } from '~/domain/limits.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { intlLocale } from '~/i18n/format.ts';
import { dynamicKey } from '~/i18n/keys.ts';
import { emailField, nameField, typedDigits } from '~/server/forms.ts';
import { setPendingJoin } from '~/server/pending-join.ts';
import { setPendingSignIn } from '~/server/pending-sign-in.ts';
import { formAction, Refusal } from './define.ts';

/**
 * Joining a school with an invitation: the code from the letter (or the QR code's link), your
 * name, and, the first time, your e-mail address to sign in with.
 */
export const join = {
  join: formAction({
    guard: (ctx) => (ctx.locals.user?.kind === 'pupil' ? null : true),
    input: z.object({
      code: typedDigits.pipe(z.string().trim().min(1).max(40)),
      name: nameField(LIMITS.displayName),
      email: z.string().max(300).optional(),
    }),
    async handler({ code, name, email }, _, { locals, url, cookies }) {
      const { t, backend, user, lang } = locals;
      const schoolSlug = url.searchParams.get('school')?.slice(0, 40) ?? null;
      const [invitation] = await backend.db.rpc('invitation_preview', { p_code: code });
      if (!invitation) throw new Refusal({ code: t('school:join.error.invitation_not_found') });
      if (schoolSlug && invitation.school_slug !== schoolSlug) throw new Refusal({ code: t('school:join.error.invitation_other_school') });
      if (invitation.status !== 'valid') throw new Refusal({ code: t(`school:join.error.invitation_${invitation.status}`) });
      if (user) {
        const [joined] = await backend.db.rpc('redeem_invitation', {
          p_code: code,
          p_school_slug: schoolSlug,
          p_display_name: name,
          p_locale: lang,
        });
        return {
          ok: true,
          to: joined?.role === 'parent' ? `/${lang}/app` : `/${lang}/s/${joined?.school_slug}/admin`,
          flash: { key: 'flash.joined', values: { school: invitation.school_name } },
        };
      }
      const address = emailField.safeParse(email ?? '');
      if (!address.success) throw new Refusal({ email: t(email ? 'validation.email' : 'validation.required') });
      const next = `/${lang}/join/complete`;
      setPendingJoin(cookies, url, { code, name, school: schoolSlug });
      const sent = await backend.auth.sendSignInCode({ email: address.data, lang, allowNewAccount: true, next });
      if (!sent.ok) {
        const time = new Intl.DateTimeFormat(intlLocale(lang), { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' }).format(
          sent.until,
        );
        throw new Refusal({ email: t('auth:limit.codes', { time }) });
      }
      setPendingSignIn(cookies, url, { email: address.data, next });
      return { ok: true, to: `/${lang}/sign-in/code` };
    },
    refusals: (err, t) =>
      err instanceof RpcError
        ? { code: t(dynamicKey('school:join.error.', err.code), { defaultValue: t('school:join.error.invitation_not_found') }) }
        : undefined,
  }),
};
