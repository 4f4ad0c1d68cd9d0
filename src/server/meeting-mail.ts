import { SCHOOL_TIME_ZONE } from '~/domain/meetings.ts';
import { getT } from '~/i18n/index.ts';
import type { Backend } from './port.ts';
import { sendMail } from './mail.ts';
import { publicUrl } from './site.ts';

/** Invites a meeting's parents by mail, each in their own language, with a link to the meeting. */
export async function mailMeetingInvitation(backend: Backend, meetingId: string): Promise<number> {
  const [meeting] = await backend.admin.rpc('meeting_detail', { p_meeting: meetingId });
  if (!meeting?.starts_at) return 0;
  let sent = 0;
  for (const r of await backend.admin.rpc('meeting_mail_recipients', { p_meeting: meetingId })) {
    const t = getT(r.locale, 'meetings');
    const when = new Intl.DateTimeFormat(r.locale, { dateStyle: 'full', timeStyle: 'short', timeZone: SCHOOL_TIME_ZONE }).format(
      new Date(meeting.starts_at),
    );
    const names = new Intl.ListFormat(r.locale).format((meeting.pupils ?? []).map((p) => p.first_name));
    const link = publicUrl(`/${r.locale}/app/meetings/${meetingId}`);
    const result = await sendMail({
      to: r.email,
      subject: t('mail.subject', { kind: t(`kind.${meeting.kind}`), names }),
      body: t('mail.body', { kind: t(`kind.${meeting.kind}`), names, when, place: meeting.place ?? meeting.video_url ?? '—', link }),
      link,
    });
    if (result === 'sent') sent += 1;
  }
  return sent;
}
