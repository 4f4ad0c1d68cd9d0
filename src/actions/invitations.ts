import { z } from 'zod';
import { LIMITS } from '~/domain/limits.ts';
import { INVITABLE_ROLES, locale } from '~/domain/rpc/shared.ts';
import { nameField } from '~/server/forms.ts';
import { schoolStaff } from '~/server/guards.ts';
import { invitationLetter } from '~/server/shown-once.ts';
import { formAction } from './define.ts';

/** Inviting staff and parents: a single-use code on a printable letter in the invitee's language. */
export const invitations = {
  create: formAction({
    guard: schoolStaff('admin'),
    input: z
      .object({
        role: z.enum(INVITABLE_ROLES, 'validation.choose'),
        locale,
        label: nameField({ max: LIMITS.invitationLabel }).default(''),
        pupils: z.array(z.uuid()).max(LIMITS.childrenPerInvitation),
      })
      .refine((d) => d.role !== 'parent' || d.pupils.length > 0, { path: ['pupils'], message: 'school:invitations.error.noChild' }),
    async handler(d, school, { locals, cookies, url }) {
      const children = d.role === 'parent' ? d.pupils : [];
      const [created] = await locals.backend.db.rpc('create_invitation', {
        p_school: school.school.id,
        p_role: d.role,
        p_pupils: children,
        p_locale: d.locale,
        p_label: d.label,
      });
      const path = `/${locals.lang}/s/${school.school.slug}/admin/invitations`;
      await invitationLetter.keep({ cookies, url, userId: locals.user!.id }, path, {
        code: created!.code,
        role: d.role,
        locale: d.locale,
        expiresAt: created!.expires_at,
        children,
      });
      return { ok: true, to: `${path}?show=letter`, flash: { key: 'school:invitations.created' } };
    },
  }),

  revoke: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ invitation: z.uuid() }),
    async handler({ invitation }, _, { locals }) {
      await locals.backend.db.rpc('revoke_invitation', { p_invitation: invitation });
      return { ok: true, flash: { key: 'flash.invitationRevoked' } };
    },
  }),
};
