import { z } from 'zod';
import { LIMITS } from '~/domain/limits.ts';
import { PRIVACY_LIMITS } from '~/domain/rpc/schools-people.ts';
import { locale } from '~/domain/rpc/shared.ts';
import { emailField, nameField, typedDigits, typedInt } from '~/server/forms.ts';
import { schoolStaff } from '~/server/guards.ts';
import { cleanImage, IMAGE_MAX_MB } from '~/server/images.ts';
import { removeStoredFile, replaceStoredFile } from '~/server/stored-files.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { formAction, Refusal } from './define.ts';

/** The school's own details as parents see them on its leaflets: name, logo, contact. */
export const school = {
  saveDetails: formAction({
    guard: schoolStaff('admin'),
    input: z.object({
      name: nameField(LIMITS.schoolName),
      contact_name: nameField({ max: LIMITS.displayName.max }),
      contact_email: z.union([z.literal(''), emailField]),
      contact_phone: typedDigits.pipe(
        z
          .string()
          .trim()
          .max(LIMITS.phone)
          .regex(/^[0-9+() -]*$/, 'school:settings.phoneFormat'),
      ),
      default_locale: locale,
    }),
    async handler(d, ctx, { locals }) {
      await locals.backend.db.rpc('update_school', {
        p_school: ctx.school.id,
        p_name: d.name,
        p_contact_name: d.contact_name,
        p_contact_email: d.contact_email,
        p_contact_phone: d.contact_phone,
        p_default_locale: d.default_locale,
      });
      return { ok: true, flash: { key: 'school:settings.saved' } };
    },
  }),

  /**
   * The school's privacy details, shown on its privacy page: the board, the contact, how long pupils' data is kept;
   * and after how many idle minutes a pupil's session on a class device ends.
   */
  savePrivacy: formAction({
    guard: schoolStaff('admin'),
    input: z.object({
      privacy_board: nameField({ max: PRIVACY_LIMITS.board }),
      privacy_contact: nameField({ max: PRIVACY_LIMITS.contact }),
      // Checked in the handler, so the message names the range instead of a length in characters.
      retention_months: z.string().max(20),
      pupil_idle_minutes: z.string().max(20),
    }),
    async handler(d, ctx, { locals }) {
      const { min, max } = PRIVACY_LIMITS.retentionMonths;
      const months = typedInt(min, max).safeParse(d.retention_months);
      if (!months.success) throw new Refusal({ retention_months: locals.t('school:settings.privacy.retentionRange', { min, max }) });
      const idle = PRIVACY_LIMITS.pupilIdleMinutes;
      const minutes = typedInt(idle.min, idle.max).safeParse(d.pupil_idle_minutes);
      if (!minutes.success) {
        throw new Refusal({ pupil_idle_minutes: locals.t('school:settings.privacy.idleRange', { min: idle.min, max: idle.max }) });
      }
      await locals.backend.db.rpc('update_pupil_idle_minutes', { p_school: ctx.school.id, p_minutes: minutes.data });
      await locals.backend.db.rpc('update_school_privacy', {
        p_school: ctx.school.id,
        p_board: d.privacy_board,
        p_contact: d.privacy_contact,
        p_retention_months: months.data,
      });
      return { ok: true, flash: { key: 'school:settings.privacy.saved' } };
    },
  }),

  uploadLogo: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ logo: z.instanceof(File).optional() }),
    async handler({ logo }, ctx, { locals }) {
      const { t, backend } = locals;
      if (!logo || logo.size === 0) throw new Refusal({ logo: t('school:settings.logoError.empty') });
      const image = await cleanImage(new Uint8Array(await logo.arrayBuffer()), { maxWidth: 600, format: 'png' });
      if ('problem' in image) throw new Refusal({ logo: t(`school:settings.logoError.${image.problem}`, { mb: IMAGE_MAX_MB }) });
      const path = `${ctx.school.id}/${image.name}`;
      await replaceStoredFile(backend, ctx.school.logo_path, path, image, () =>
        backend.db.rpc('set_school_logo', { p_school: ctx.school.id, p_logo_path: path }),
      );
      return { ok: true, flash: { key: 'school:settings.logoSaved' } };
    },
    refusals: (err, t) =>
      'reason' in err
        ? { logo: t(`school:settings.logoError.${err.reason === 'too_large' ? 'too_large' : 'unreadable'}`, { mb: IMAGE_MAX_MB }) }
        : undefined,
  }),

  removeLogo: formAction({
    guard: schoolStaff('admin'),
    input: z.object({}),
    async handler(_, ctx, { locals }) {
      await locals.backend.db.rpc('set_school_logo', { p_school: ctx.school.id, p_logo_path: null });
      if (ctx.school.logo_path) await removeStoredFile(locals.backend, ctx.school.logo_path);
      return { ok: true, flash: { key: 'school:settings.logoRemoved' } };
    },
  }),

  /**
   * A request for erasure, answered in one step: carried out (the rows in one call, then the
   * stored files), or declined with a reason the person reads on their own data page.
   */
  answerErasure: formAction({
    guard: schoolStaff('admin'),
    input: z
      .object({
        request: z.uuid(),
        decision: z.enum(['erase', 'decline']),
        reason: nameField({ max: LIMITS.erasureMessage }).optional(),
      })
      .refine((d) => d.decision === 'erase' || (d.reason ?? '').length > 0, { path: ['reason'], message: 'school:erasure.reasonRequired' }),
    async handler({ request, decision, reason }, _, { locals }) {
      const { backend } = locals;
      const done = await backend.db.rpc('handle_erasure_request', {
        p_request: request,
        p_erase: decision === 'erase',
        p_reason: reason || null,
      });
      for (const file of done.files) await removeStoredFile(backend, file.name, file.bucket);
      return { ok: true, flash: { key: decision === 'erase' ? 'school:erasure.erased' : 'school:erasure.declinedFlash' } };
    },
    refusals: (err, t) =>
      err instanceof RpcError && err.code === 'already_handled' ? { _form: t('school:erasure.alreadyHandled') } : undefined,
  }),
};
