import { z } from 'zod';
import { signedInPerson } from '~/server/guards.ts';
import { formAction } from './define.ts';

/**
 * A person corrects a machine translation of what someone wrote (or confirms it as it is): it is
 * then shown as checked. The database decides who may (the meeting's staff, the class's staff, the
 * school's admins; see …_written_translations.sql).
 */
export const translations = {
  correct: formAction({
    guard: signedInPerson,
    input: z.object({
      translation: z.uuid(),
      text: z
        .string()
        .max(8000)
        .transform((v) => v.replace(/\r\n?/g, '\n').trim())
        .pipe(z.string().min(1).max(4000)),
    }),
    async handler({ translation, text }, _, ctx) {
      await ctx.locals.backend.db.rpc('correct_translation', { p_translation: translation, p_text: text });
      return { ok: true, flash: { key: 'written.corrected' } };
    },
  }),
};
