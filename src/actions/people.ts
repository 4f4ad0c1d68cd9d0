import { z } from 'zod';
import { schoolStaff } from '~/server/guards.ts';
import { formAction } from './define.ts';

/** The people of a school: linking parents to their children, removing someone. */
export const people = {
  link: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ parent: z.uuid('validation.choose'), pupil: z.uuid('validation.choose') }),
    async handler({ parent, pupil }, _, { locals }) {
      await locals.backend.db.rpc('link_guardian', { p_pupil: pupil, p_parent: parent });
      return { ok: true, flash: { key: 'flash.linked' } };
    },
  }),

  unlink: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ link: z.uuid() }),
    async handler({ link }, _, { locals }) {
      await locals.backend.db.rpc('unlink_guardian', { p_link: link });
      return { ok: true, flash: { key: 'flash.unlinked' } };
    },
  }),

  /** Removes a person from the school: every role, class and link they have here, at once. */
  remove: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ person: z.uuid() }),
    async handler({ person }, school, { locals }) {
      await locals.backend.db.rpc('remove_person', { p_school: school.school.id, p_user: person });
      return { ok: true, flash: { key: 'flash.memberRemoved' } };
    },
  }),
};
