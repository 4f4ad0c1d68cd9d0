import { plainText } from '~/domain/inline.ts';
import { SCHOOL_TIME_ZONE } from '~/domain/meetings.ts';
import { intlLocale } from '~/i18n/format.ts';
import { getT } from '~/i18n/index.ts';
import type { Backend } from './port.ts';
import { sendMail, type MailOutcome } from './mail/index.ts';
import { publicUrl } from './site.ts';

/** What became of a meeting's invitation mails, one count per outcome (see MailOutcome). */
export type MeetingMailTally = Record<MailOutcome, number>;

/**
 * Invites a meeting's parents by mail, each in their own language, with a link to the meeting,
 * signed with the school's name, and counts every outcome: in Supabase mode a mail the SMTP server did not take is
 * `failed` (nothing retries it there), and without SMTP settings `no_transport`; a page can say so.
 */
export async function inviteToMeetingByMail(backend: Backend, meetingId: string, schoolName: string): Promise<MeetingMailTally> {
  const tally: MeetingMailTally = { queued: 0, sent: 0, failed: 0, no_transport: 0 };
  const [meeting] = await backend.admin.rpc('meeting_detail', { p_meeting: meetingId });
  if (!meeting?.starts_at) return tally;
  const startsAt = new Date(meeting.starts_at);
  for (const r of await backend.admin.rpc('meeting_mail_recipients', { p_meeting: meetingId })) {
    const t = getT(r.locale, 'meetings');
    const when = new Intl.DateTimeFormat(intlLocale(r.locale), {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone: SCHOOL_TIME_ZONE,
    }).format(new Date(meeting.starts_at));
    const names = new Intl.ListFormat(intlLocale(r.locale)).format((meeting.pupils ?? []).map((p) => p.first_name));
    const link = publicUrl(`/${r.locale}/app/meetings/${meetingId}`);
    const result = await sendMail({
      to: r.email,
      subject: t('mail.subject', { kind: plainText(t(`kind.${meeting.kind}`)), names }),
      // Signed with the school's name, as a Dutch school signs its letters.
      body: t('mail.body', {
        kind: plainText(t(`kind.${meeting.kind}`)),
        names,
        when,
        place: meeting.place ?? meeting.video_url ?? '—',
        link,
        school: schoolName,
      }),
      link,
      locale: r.locale,
      kind: 'meeting',
      // An invitation that could not go out before the meeting began is of no use any more
      // (one for a meeting already past, recorded afterwards, goes out as before).
      expiresAt: startsAt > new Date() ? startsAt : null,
    });
    tally[result] += 1;
  }
  return tally;
}
