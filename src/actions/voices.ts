import { z } from 'zod';
import { VOICE_KEYS, voiceAnchor } from '~/domain/pictograms.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { LOCALE_CODES } from '~/i18n/locales.ts';
import { AUDIO_MAX_BYTES, judgeAudio } from '~/server/audio.ts';
import type { FieldErrors } from '~/server/forms.ts';
import { signedInPerson } from '~/server/guards.ts';
import { StorageRefused } from '~/server/port.ts';
import { removeStoredFile, replaceStoredFile } from '~/server/stored-files.ts';
import { formAction, pageOf, Refusal } from './define.ts';

/**
 * Voices for the pupils' boards: a teacher records the school's (for every pupil), a parent
 * their own child's (in the child's home language). Played before the device's own voice. The
 * database decides who may record for whom; storage checks it again.
 */
const MB = AUDIO_MAX_BYTES / (1024 * 1024);

export const voices = {
  save: formAction({
    guard: signedInPerson,
    input: z.object({
      school: z.uuid(),
      pupil: z.union([z.uuid(), z.literal('')]),
      locale: z.enum(LOCALE_CODES),
      key: z.enum(VOICE_KEYS),
      audio: z.instanceof(File).optional(),
    }),
    async handler({ school, pupil, locale, key, audio }, _, { locals, url }) {
      const { t, backend } = locals;
      if (!audio || audio.size === 0) throw new Refusal({ audio: t('school:voices.errors.empty') });
      const judged = await judgeAudio(new Uint8Array(await audio.arrayBuffer()));
      if ('problem' in judged) throw new Refusal({ audio: t(`school:voices.errors.${judged.problem}`, { mb: MB }) });
      const path = `${school}/${pupil || 'school'}/${judged.name}`;
      let replaced: string | null = null;
      await replaceStoredFile(
        backend,
        null,
        path,
        judged,
        async () => {
          replaced = await backend.db.rpc('save_voice_recording', {
            p_school: school,
            p_pupil: pupil || null,
            p_locale: locale,
            p_key: key,
            p_path: path,
          });
        },
        'voices',
      );
      if (replaced) await removeStoredFile(backend, replaced, 'voices');
      // Back to the text just recorded, not to the top of a list of 33 (the next one is below it).
      return { ok: true, flash: { key: 'school:voices.saved' }, to: `${pageOf(url)}#${voiceAnchor(key)}` };
    },
    refusals: (err, t): FieldErrors | undefined => {
      if (err instanceof StorageRefused)
        return { audio: t(`school:voices.errors.${err.reason === 'too_large' ? 'too_large' : 'not_audio'}`, { mb: MB }) };
      if (err instanceof RpcError && err.code === 'forbidden') return { _form: t('errors.forbidden') };
      return undefined;
    },
  }),

  remove: formAction({
    guard: signedInPerson,
    input: z.object({ recording: z.uuid(), key: z.enum(VOICE_KEYS).optional() }),
    async handler({ recording, key }, _, { locals, url }) {
      const path = await locals.backend.db.rpc('delete_voice_recording', { p_recording: recording });
      if (path) await removeStoredFile(locals.backend, path, 'voices');
      return { ok: true, flash: { key: 'school:voices.removed' }, ...(key ? { to: `${pageOf(url)}#${voiceAnchor(key)}` } : {}) };
    },
  }),
};
