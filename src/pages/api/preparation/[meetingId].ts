import type { APIRoute } from 'astro';
import { z } from 'zod';
import { cleanAnswers, isPrepTopic, MEETING_LIMITS, PREP_CHOICES } from '~/domain/meetings.ts';
import { RpcError } from '~/domain/rpc/index.ts';

/**
 * A parent's preparation saved as they type (PrepDraft): one screen's choices and words, merged
 * into what is saved. Same checks as the form (the database checks again): the caller's own
 * preparation, of a meeting not yet begun. Answers in JSON: { saved_at } or { error }.
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
  if (!isPrepTopic(parsed.topic)) return json(400, { error: 'invalid' });
  const offered = PREP_CHOICES[parsed.topic] as readonly string[];
  if (!parsed.choices.every((c) => offered.includes(c))) return json(400, { error: 'invalid' });
  try {
    const [current] = await locals.backend.db.rpc('my_preparation', { p_meeting: meeting.data });
    const answers = cleanAnswers(current?.answers ?? {});
    answers[parsed.topic] = {
      choices: [...new Set(parsed.choices)],
      text: parsed.text.replace(/\r\n/g, '\n').trim(),
      lang: /^[a-z]{2}$/.test(parsed.textLang) ? parsed.textLang : locals.lang,
    };
    const savedAt = await locals.backend.db.rpc('save_my_preparation', {
      p_meeting: meeting.data,
      p_answers: cleanAnswers(answers),
      p_step: parsed.step,
    });
    return json(200, { saved_at: savedAt });
  } catch (err) {
    if (err instanceof RpcError) return json(err.code === 'forbidden' ? 404 : 409, { error: err.code });
    throw err;
  }
};
