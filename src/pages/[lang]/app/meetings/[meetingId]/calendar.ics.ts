import type { APIRoute } from 'astro';
import { z } from 'zod';
import { buildIcs, meetingUid } from '~/domain/ics.ts';
import { RpcError, type RpcResult } from '~/domain/rpc/index.ts';
import { publicUrl } from '~/server/site.ts';

/** A meeting as a calendar file, in the reader's language and the school's time zone; the same event the invitation mail attaches. */
export const GET: APIRoute = async ({ params, locals }) => {
  const { backend, lang, user } = locals;
  const id = z.uuid().safeParse(params.meetingId);
  const notFound = () => new Response(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  if (!id.success || !user) return notFound();
  let meeting: RpcResult<'meeting_detail'>[number] | undefined;
  try {
    [meeting] = await backend.db.rpc('meeting_detail', { p_meeting: id.data });
  } catch (err) {
    if (err instanceof RpcError) return notFound();
    throw err;
  }
  if (!meeting?.starts_at || meeting.status !== 'planned') return notFound();
  const sequence = await backend.db.rpc('meeting_calendar_sequence', { p_meeting: meeting.meeting_id });
  const t = locals.t;
  const school = (await backend.db.rpc('my_memberships', {})).find((m) => m.school_id === meeting.school_id)?.school_name ?? '';
  const url = publicUrl(`/${lang}/app/meetings/${meeting.meeting_id}`);
  const body = buildIcs({
    uid: meetingUid(meeting.meeting_id),
    sequence: sequence ?? 0,
    alarm: { minutesBefore: 60, description: t('notify:calendar.alarm') },
    start: new Date(meeting.starts_at),
    minutes: meeting.minutes ?? 15,
    // What a calendar shows on a lock screen or a shared family agenda: like a mail's subject, no
    // child, no kind of meeting and not the school's goal (issue 18) — those are behind the link.
    summary: t('notify:calendar.summary', { school }),
    description: [t('notify:calendar.description', { school }), url].join('\n'),
    location: meeting.place ?? meeting.video_url,
    url,
    now: new Date(),
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': 'attachment; filename="meeting.ics"',
      'Cache-Control': 'no-store',
    },
  });
};
