import { z } from 'zod';
import { rpc, timestamp, uuid } from './shared.ts';

/** supabase/migrations/*_pupil_access_log.sql: who looked at which pupil's data, and what kind. */

export const ACCESS_KINDS = ['needs_answers', 'drawing', 'preparation', 'pupil_preparation', 'feedback'] as const;

export const PRIVACY = {
  pupil_access_log: rpc(
    z.object({ p_school: uuid, p_limit: z.number().int().min(1).max(1000).optional() }).strict(),
    z.array(
      z.object({
        at: timestamp,
        reader: z.string().nullable(),
        pupil_id: uuid,
        pupil: z.string(),
        class_name: z.string().nullable(),
        kind: z.enum(ACCESS_KINDS),
      }),
    ),
  ),
};
