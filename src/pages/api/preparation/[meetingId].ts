import type { APIRoute } from 'astro';
import { z } from 'zod';
import { MEETING_LIMITS } from '~/domain/meetings.ts';
import { RpcError } from '~/domain/rpc/index.ts';

/**
 * A parent's preparation saved as they type (PrepDraft): one screen's choices and words, merged
 * into what is saved by save_my_preparation_topic, which the form calls too and which checks the
 * screen: the caller's own preparation, of a meeting not yet begun. Answers in JSON: { saved_at }
 * or { error }.
 */
const body = z.object({
  topic: z.string().max(40),
  choices: z.array(z.string().max(40)).max(20),
  text: z.string().max(MEETING_LIMITS.text),
  textLang: z.string().max(5),
  step: z.number().int().min(0).max(20),
});

const json = (status: number, value: unknown) =>
  new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });

export const POST: APIRoute = async ({ params, request, locals }) => {
  const meeting = z.uuid().safeParse(params.meetingId);
  if (!meeting.success || locals.user?.kind !== 'person') return json(404, { error: 'not_found' });
  if (!/^application\/json\b/.test(request.headers.get('content-type') ?? '')) return json(415, { error: 'json_only' });
  const raw = await request.text();
  if (raw.length > 20_000) return json(413, { error: 'too_large' });
  let parsed: z.infer<typeof body>;
  try {
    parsed = body.parse(JSON.parse(raw));
  } catch {
    return json(400, { error: 'invalid' });
  }
  try {
    // The screen is checked and merged into what is saved by the database, in one statement, as
    // the form does (actions.meetings.prepare): an autosave and a form post cannot undo each other.
    const savedAt = await locals.backend.db.rpc('save_my_preparation_topic', {
      p_meeting: meeting.data,
      p_topic: parsed.topic,
      p_choices: parsed.choices,
      p_text: parsed.text,
      p_lang: /^[a-z]{2}$/.test(parsed.textLang) ? parsed.textLang : locals.lang,
      p_step: parsed.step,
    });
    return json(200, { saved_at: savedAt });
  } catch (err) {
    if (err instanceof RpcError) return json(err.code === 'forbidden' ? 404 : err.code === 'invalid' ? 400 : 409, { error: err.code });
    throw err;
  }
};
