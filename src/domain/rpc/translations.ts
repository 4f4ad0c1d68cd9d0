import { z } from 'zod';
import { WRITTEN_SOURCES } from '~/domain/written.ts';
import { locale, lazy, rpc, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_written_translations.sql: stored translations of what people write. */

const written = z.enum(WRITTEN_SOURCES);
const id = uuid.nullable();

export const TRANSLATIONS = {
  stored_translations: lazy(() =>
    rpc(
      z.object({ p_lang: locale, p_refs: z.array(uuid).max(300) }).strict(),
      z.array(
        z.object({
          translation_id: uuid,
          source: written,
          field: z.string(),
          key: uuid.nullable(),
          source_hash: z.string(),
          source_lang: z.string(),
          text: z.string(),
          origin: z.enum(['machine', 'person']),
          checked_at: timestamp.nullable(),
        }),
      ),
    ),
  ),
  store_machine_translations: lazy(() =>
    rpc(
      z
        .object({
          p_items: z
            .array(
              z
                .object({
                  source: written,
                  field: z.string().max(40),
                  meeting: id,
                  agreement: id,
                  user: id,
                  pupil: id,
                  round: id,
                  request: id,
                  source_text: z.string().max(4000),
                  source_lang: z.string().regex(/^[a-z]{2,3}$/),
                  target_lang: locale,
                  text: z.string().max(4000),
                  provider: z.enum(['deepl', 'libretranslate']),
                })
                .strict(),
            )
            .max(300),
        })
        .strict(),
      z.number().int(),
      { returns: 'scalar', access: 'service' },
    ),
  ),
  correct_translation: lazy(() =>
    rpc(z.object({ p_translation: uuid, p_text: z.string().trim().min(1).max(4000) }).strict(), uuid, {
      returns: 'scalar',
    }),
  ),
} as const;
